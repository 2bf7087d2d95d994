import type { LookupAddress, LookupOptions } from "node:dns";
import { describe, expect, it } from "vitest";
import { BlockedAddressError, checkedLookup, parseRetryAfter, utf8Excerpt } from "../../src/notify/webhook-http.js";

/**
 * The pure parts of webhook-http: the lookup net.connect calls, Retry-After, the excerpt's cut.
 * The calls themselves are in tests/integration/webhook-http.integration.test.ts.
 */

type LookupResult = { err: NodeJS.ErrnoException | null; address: string | LookupAddress[]; family: number | undefined };

function lookup(addresses: string[] | Error, allowPrivate: boolean, options: LookupOptions): Promise<LookupResult> {
  const resolve = async () => {
    if (addresses instanceof Error) throw addresses;
    return addresses;
  };
  return new Promise((done) => {
    checkedLookup(resolve, allowPrivate)("crm.example", options, (err, address, family) => done({ err, address, family }));
  });
}

describe("checkedLookup", () => {
  it("answers net.connect's `all: true` shape with every address", async () => {
    const result = await lookup(["93.184.216.34", "2606:4700:4700::1111"], false, { all: true });
    expect(result.err).toBeNull();
    expect(result.address).toEqual([
      { address: "93.184.216.34", family: 4 },
      { address: "2606:4700:4700::1111", family: 6 },
    ]);
  });

  it("answers the single shape with the first address and its family", async () => {
    expect(await lookup(["2606:4700:4700::1111", "93.184.216.34"], false, {})).toEqual({
      err: null,
      address: "2606:4700:4700::1111",
      family: 6,
    });
  });

  it("keeps to the family net.connect asks for", async () => {
    expect(await lookup(["2606:4700:4700::1111", "93.184.216.34"], false, { family: 4 })).toEqual({
      err: null,
      address: "93.184.216.34",
      family: 4,
    });
    const none = await lookup(["93.184.216.34"], false, { family: 6, all: true });
    expect(none.err?.code).toBe("ENOTFOUND");
  });

  it.each([{ all: true }, {}])("refuses every address when any one is not public (%j)", async (options) => {
    const result = await lookup(["93.184.216.34", "10.0.0.5"], false, options);
    expect(result.err).toBeInstanceOf(BlockedAddressError);
    expect(result.err?.message).toBe("crm.example resolves to 10.0.0.5, a private address");
  });

  it("lets private addresses through with allowPrivate", async () => {
    expect(await lookup(["127.0.0.1"], true, {})).toEqual({ err: null, address: "127.0.0.1", family: 4 });
  });

  it("fails a name that resolves to nothing, and passes on the resolver's error", async () => {
    expect((await lookup([], true, { all: true })).err?.code).toBe("ENOTFOUND");
    const failure = Object.assign(new Error("getaddrinfo EAI_AGAIN crm.example"), { code: "EAI_AGAIN" });
    expect((await lookup(failure, false, {})).err).toBe(failure);
  });
});

describe("parseRetryAfter", () => {
  const now = Date.parse("2026-03-01T12:00:00Z");
  it.each([
    ["7", 7000],
    ["0", 0],
    [" 120 ", 120_000],
    [["30", "60"], 30_000],
    ["86400", 86_400_000],
    ["999999", 86_400_000], // capped at 24 h
    ["Sun, 01 Mar 2026 12:00:30 GMT", 30_000], // IMF-fixdate
    ["Sunday, 01-Mar-26 12:01:00 GMT", 60_000], // RFC 850
    ["Sun Mar  1 12:00:05 2026", 5000], // asctime: GMT, though it does not say so
    ["Sun, 01 Mar 2026 11:00:00 GMT", 0], // in the past
    ["Mon, 01 Mar 2027 12:00:00 GMT", 86_400_000],
  ])("reads %j as %s ms", (value, ms) => {
    expect(parseRetryAfter(value, now)).toBe(ms);
  });

  it.each([undefined, "", "soon", "-5", "1.5", "7s", "0x10", "2026-03-01T12:00:30Z", "Sun, 99 Foo 2026 GMT", "Sun, 01 Mar 2026 12:00:30", "1 Mar 2026 12:00:30 GMT", []])(
    "gives undefined for %j",
    (value) => {
      expect(parseRetryAfter(value as string | string[] | undefined, now)).toBeUndefined();
    },
  );
});

describe("utf8Excerpt", () => {
  it("keeps at most the given bytes", () => {
    expect(utf8Excerpt(Buffer.from("x".repeat(5000)), 1024)).toBe("x".repeat(1024));
    expect(utf8Excerpt(Buffer.from("short"), 1024)).toBe("short");
  });

  it.each([
    ["é", 2],
    ["€", 3],
    ["🙂", 4],
  ])("never cuts %s (%s bytes) in two", (char, size) => {
    const text = char.repeat(600);
    for (let limit = 1020; limit < 1030; limit++) {
      const excerpt = utf8Excerpt(Buffer.from(text), limit);
      expect(excerpt).toBe(char.repeat(Math.floor(limit / size)));
      expect(Buffer.byteLength(excerpt)).toBeLessThanOrEqual(limit);
    }
  });
});
