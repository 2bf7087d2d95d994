import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createStack, postJson, uniqueEmail, type TestStack } from "../support/stack.js";

describe("signup: bad input gets a clear 4xx naming the field, and nothing is stored", () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await createStack({ transport: "outbox" });
  });
  afterAll(() => stack.close());

  const subscriberCount = async () =>
    Number((await stack.deps.db.sql`select count(*) as n from subscribers`)[0]!.n);

  const cases: [string, unknown, string][] = [
    ["missing email", { firstName: "Ana" }, "email"],
    ["empty email", { email: "   " }, "email"],
    ["not an address", { email: "ana-at-example.com" }, "email"],
    ["email as a number", { email: 42 }, "email"],
    ["email over 254 characters", { email: `${"a".repeat(64)}@${"b".repeat(180)}.example.com` }, "email"],
    ["unknown time zone", { email: "tz@example.com", timezone: "Mars/Olympus_Mons" }, "timezone"],
    ["first name too long", { email: "long@example.com", firstName: "x".repeat(101) }, "firstName"],
    ["utm_source too long", { email: "utm@example.com", utm_source: "u".repeat(201) }, "utm_source"],
  ];
  it.each(cases)("%s → 400 with field", async (_name, body, field) => {
    const before = await subscriberCount();
    const res = await postJson(stack, body);
    expect(res.status).toBe(400);
    const json = (await res.json()) as { error: { code: string; message: string; field: string } };
    expect(json.error.code).toBe("invalid_input");
    expect(json.error.field).toBe(field);
    expect(json.error.message.length).toBeGreaterThan(5);
    expect(await subscriberCount()).toBe(before);
  });

  it("invalid JSON → 400 invalid_json", async () => {
    const res = await stack.app.request("/api/subscribe", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: '{"email": "a@b.c",',
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("invalid_json");
  });

  it("a JSON array → 400", async () => {
    const res = await postJson(stack, [{ email: "a@example.com" }]);
    expect(res.status).toBe(400);
  });

  it("another content type → 415", async () => {
    const res = await stack.app.request("/api/subscribe", {
      method: "POST",
      headers: { "content-type": "text/plain" },
      body: "email=a@example.com",
    });
    expect(res.status).toBe(415);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("unsupported_media_type");
  });

  it("no content type → 415", async () => {
    const res = await stack.app.request("/api/subscribe", { method: "POST", body: "x" });
    expect(res.status).toBe(415);
  });

  it("a body over 16 KB → 413, with or without Content-Length", async () => {
    const big = JSON.stringify({ email: uniqueEmail(), firstName: "x".repeat(17 * 1024) });
    const withLength = await stack.app.request("/api/subscribe", {
      method: "POST",
      headers: { "content-type": "application/json", "content-length": String(big.length) },
      body: big,
    });
    expect(withLength.status).toBe(413);
    const streamed = await stack.app.request("/api/subscribe", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: new Blob([big]).stream(),
      duplex: "half",
    } as RequestInit);
    expect(streamed.status).toBe(413);
    expect(((await streamed.json()) as { error: { code: string } }).error.code).toBe("payload_too_large");
  });

  it("the honeypot is answered like success and nothing is stored", async () => {
    const before = await subscriberCount();
    const res = await postJson(stack, { email: uniqueEmail("bot"), website: "http://spam.example" });
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ status: "ok" });
    expect(await subscriberCount()).toBe(before);
  });

  it("an unknown route is a JSON 404, not a crash", async () => {
    const res = await stack.app.request("/api/nope");
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("not_found");
  });
});
