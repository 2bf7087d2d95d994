import { describe, expect, it, vi } from "vitest";
import { checkWebhookUrl, nonPublicReason } from "../../src/notify/public-address.js";
import type { Resolve } from "../../src/notify/public-address.js";

/** A resolver from a table; a name not in it fails like getaddrinfo's ENOTFOUND. */
function fakeResolve(table: Record<string, string[]>): Resolve & { asked: string[] } {
  const asked: string[] = [];
  const resolve = async (hostname: string) => {
    asked.push(hostname);
    const addresses = table[hostname];
    if (!addresses) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: "ENOTFOUND" });
    return addresses;
  };
  return Object.assign(resolve, { asked });
}

describe("nonPublicReason", () => {
  it.each([
    ["127.0.0.1", "loopback"],
    ["127.255.255.254", "loopback"],
    ["::1", "loopback"],
    ["10.0.0.5", "private"],
    ["172.16.0.1", "private"],
    ["172.31.255.255", "private"],
    ["192.168.1.1", "private"],
    ["169.254.169.254", "link-local"], // the cloud metadata service
    ["fe80::1", "link-local"],
    ["fe80::1%eth0", "link-local"],
    ["fc00::1", "unique local"],
    ["fd12:3456:789a::1", "unique local"],
    ["100.64.0.1", "carrier-grade NAT"],
    ["100.127.255.254", "carrier-grade NAT"],
    ["224.0.0.1", "multicast"],
    ["239.255.255.250", "multicast"],
    ["ff02::1", "multicast"],
    ["255.255.255.255", "broadcast"],
    ["0.0.0.0", "unspecified"],
    ["0.1.2.3", "unspecified"],
    ["::", "unspecified"],
    ["192.0.2.10", "reserved"],
    ["198.51.100.7", "reserved"],
    ["203.0.113.9", "reserved"],
    ["240.0.0.1", "reserved"],
    ["198.18.0.1", "reserved"], // benchmarking, which ipaddr.js files under reserved for IPv4
    ["2001:db8::1", "reserved"],
    ["2001:2::1", "benchmarking"],
    ["fec0::1", "site-local"],
  ])("refuses %s (%s)", (ip, kind) => {
    expect(nonPublicReason(ip)).toBeDefined();
    expect(nonPublicReason(ip)).toContain(kind);
  });

  it.each([
    // IPv4-mapped, in dotted and in hex form: the same 127.0.0.1.
    ["::ffff:127.0.0.1", "IPv4-mapped", "127.0.0.1"],
    ["::ffff:7f00:1", "IPv4-mapped", "127.0.0.1"],
    ["::ffff:10.1.2.3", "IPv4-mapped", "10.1.2.3"],
    // IPv4-translated (RFC 6145).
    ["::ffff:0:7f00:1", "IPv4-translated", "127.0.0.1"],
    // IPv4-compatible, deprecated (RFC 4291 §2.5.5.1).
    ["::127.0.0.1", "IPv4-compatible", "127.0.0.1"],
    ["::a9fe:a9fe", "IPv4-compatible", "169.254.169.254"],
    // NAT64 well-known prefix with 10.0.0.1 in its last 32 bits.
    ["64:ff9b::a00:1", "NAT64", "10.0.0.1"],
    ["64:ff9b::7f00:1", "NAT64", "127.0.0.1"],
    // 6to4: 192.168.1.1 in bits 16–47.
    ["2002:c0a8:0101::1", "6to4", "192.168.1.1"],
    // Teredo: client 10.0.0.1 stored XOR 0xffffffff in the last 32 bits (f5ff:fffe).
    ["2001:0:4136:e378:8000:63bf:f5ff:fffe", "Teredo", "10.0.0.1"],
    // Teredo: server 127.0.0.1 in bits 32–63.
    ["2001:0:7f00:1:8000:63bf:f7f7:f7f7", "Teredo", "127.0.0.1"],
  ])("refuses %s (%s carrying %s) and names the embedded address", (ip, form, inner) => {
    expect(nonPublicReason(ip)).toBeDefined();
    const reason = nonPublicReason(ip);
    expect(reason).toContain(form);
    expect(reason).toContain(inner);
  });

  it.each([
    // Relays and translations are refused even when what they carry is public: we never call through them.
    ["::ffff:8.8.8.8", "IPv4-mapped"],
    ["::8.8.8.8", "IPv4-compatible"],
    ["64:ff9b::808:808", "NAT64"],
    ["64:ff9b:1::1", "NAT64"],
    ["2002:0808:0808::1", "6to4"],
    ["2001:0:4136:e378:8000:63bf:f7f7:f7f7", "Teredo"],
  ])("refuses %s (%s) whatever it carries", (ip, form) => {
    expect(nonPublicReason(ip)).toBeDefined();
    expect(nonPublicReason(ip)).toContain(form);
  });

  it.each(["8.8.8.8", "1.1.1.1", "93.184.216.34", "2606:4700:4700::1111", "2a00:1450:4001:82a::200e", "172.32.0.1", "100.128.0.1"])(
    "accepts the public address %s",
    (ip) => {
      expect(nonPublicReason(ip)).toBeUndefined();
      expect(nonPublicReason(ip)).toBeUndefined();
    },
  );

  it.each(["", "localhost", "example.com", "999.1.1.1", "1.2.3.4.5", "::ffff::1::", "[::1]"])("refuses %j, which is not an address", (ip) => {
    expect(nonPublicReason(ip)).toBeDefined();
  });
});

describe("checkWebhookUrl", () => {
  const resolve = fakeResolve({
    "crm.example": ["93.184.216.34"],
    "dual.example": ["93.184.216.34", "2606:4700:4700::1111"],
    "mixed.example": ["93.184.216.34", "10.0.0.5"],
    "sneaky.example": ["2606:4700:4700::1111", "::ffff:127.0.0.1"],
    "localhost": ["127.0.0.1", "::1"],
    "empty.example": [],
  });
  const strict = { allowPrivate: false, resolve };
  const lenient = { allowPrivate: true, resolve };

  it.each([
    ["https://crm.example/hooks/flare-up", "crm.example"],
    ["https://dual.example:8443/h?x=1", "dual.example"],
    ["https://8.8.8.8/hook", "8.8.8.8"],
    ["https://[2606:4700:4700::1111]/hook", "[2606:4700:4700::1111]"],
  ])("accepts %s", async (raw, host) => {
    const check = await checkWebhookUrl(raw, strict);
    expect(check.ok).toBe(true);
    if (check.ok) expect(check.url.hostname).toBe(host);
  });

  it.each([
    // The URL parser reads these numeric forms as 127.0.0.1; what is checked is what would be dialled.
    ["https://2130706433/", "127.0.0.1"],
    ["https://0x7f.1/", "127.0.0.1"],
    ["https://0177.0.0.1/", "127.0.0.1"],
    ["https://127.1/", "127.0.0.1"],
    ["https://[::ffff:127.0.0.1]/", "127.0.0.1"],
    ["https://[::1]/", "loopback"],
    ["https://169.254.169.254/latest/meta-data/", "169.254.169.254"],
    ["https://[fe80::1]/", "link-local"],
    ["https://100.64.0.1/", "carrier-grade NAT"],
    ["https://[64:ff9b::a00:1]/", "10.0.0.1"],
  ])("refuses the literal %s", async (raw, named) => {
    const check = await checkWebhookUrl(raw, strict);
    expect(check).toEqual({ ok: false, reason: expect.stringContaining(named) });
    expect(resolve.asked).not.toContain(new URL(raw).hostname);
  });

  it("refuses port 0, with private addresses allowed or not", async () => {
    expect(await checkWebhookUrl("https://crm.example:0/hook", strict)).toEqual({ ok: false, reason: "must not use port 0" });
    expect(await checkWebhookUrl("http://127.0.0.1:0/hook", { allowPrivate: true, resolve })).toEqual({ ok: false, reason: "must not use port 0" });
    expect((await checkWebhookUrl("https://crm.example:8443/hook", strict)).ok).toBe(true);
  });

  it("refuses plain http", async () => {
    expect(await checkWebhookUrl("http://crm.example/hook", strict)).toEqual({ ok: false, reason: "must use https" });
    expect(await checkWebhookUrl("http://example.com", strict)).toEqual({ ok: false, reason: "must use https" });
  });

  it.each(["ftp://crm.example/", "file:///etc/passwd", "javascript:alert(1)", "ws://crm.example/"])("refuses the scheme of %s", async (raw) => {
    const check = await checkWebhookUrl(raw, strict);
    expect(check).toEqual({ ok: false, reason: "must use https" });
  });

  it.each(["https://user:pw@example.com", "https://user@crm.example/", "https://:pw@crm.example/"])("refuses credentials in %s", async (raw) => {
    expect(await checkWebhookUrl(raw, strict)).toEqual({ ok: false, reason: "must not contain a username or password" });
  });

  it.each(["", "crm.example/hook", "/hooks", "https://", "https:// bad host/"])("refuses %j, which is not an absolute URL", async (raw) => {
    const check = await checkWebhookUrl(raw, strict);
    expect(check.ok).toBe(false);
  });

  it("refuses a URL over 2,000 characters and accepts one at 2,000", async () => {
    const base = "https://crm.example/";
    expect(await checkWebhookUrl(base + "a".repeat(2001 - base.length), strict)).toEqual({
      ok: false,
      reason: "must be at most 2,000 characters",
    });
    expect((await checkWebhookUrl(base + "a".repeat(2000 - base.length), strict)).ok).toBe(true);
  });

  it("refuses a name when any one of its addresses is private", async () => {
    expect(await checkWebhookUrl("https://mixed.example/hook", strict)).toEqual({
      ok: false,
      reason: "host mixed.example resolves to 10.0.0.5, a private address",
    });
    expect(await checkWebhookUrl("https://sneaky.example/hook", strict)).toEqual({
      ok: false,
      reason: expect.stringContaining("::ffff:127.0.0.1"),
    });
    expect(await checkWebhookUrl("https://localhost/hook", strict)).toEqual({ ok: false, reason: expect.stringContaining("loopback") });
  });

  it("refuses a name that resolves to nothing, or does not resolve", async () => {
    expect(await checkWebhookUrl("https://empty.example/", strict)).toEqual({
      ok: false,
      reason: "host empty.example does not resolve to any address",
    });
    expect(await checkWebhookUrl("https://nowhere.example/", strict)).toEqual({
      ok: false,
      reason: "host nowhere.example could not be resolved",
    });
  });

  it("with allowPrivate, lets plain http and private addresses through without resolving", async () => {
    const asked = resolve.asked.length;
    const check = await checkWebhookUrl("http://127.0.0.1:5678/", lenient);
    expect(check.ok).toBe(true);
    if (check.ok) expect(check.url.href).toBe("http://127.0.0.1:5678/");
    expect((await checkWebhookUrl("http://mixed.example/hook", lenient)).ok).toBe(true);
    expect((await checkWebhookUrl("https://192.168.1.20:5678/webhook/abc", lenient)).ok).toBe(true);
    expect(resolve.asked.length).toBe(asked);
  });

  it("with allowPrivate, still refuses credentials, other schemes and non-URLs", async () => {
    expect(await checkWebhookUrl("http://u:p@127.0.0.1/", lenient)).toEqual({ ok: false, reason: "must not contain a username or password" });
    expect(await checkWebhookUrl("ftp://127.0.0.1/", lenient)).toEqual({ ok: false, reason: "must use https or http" });
    expect((await checkWebhookUrl("127.0.0.1:5678", lenient)).ok).toBe(false);
  });
});
