import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../src/app.js";
import { appDeps, createDeps } from "../../src/deps.js";
import { createStack, postJson, TEST_API_KEY, TEST_SECRET, uniqueEmail, type TestStack } from "../support/stack.js";

describe("signup security: rate limit, CORS, headers, secrets", () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await createStack({
      env: { SIGNUP_RATE_LIMIT: "3", ALLOWED_ORIGINS: "https://clinic.example", TRUST_PROXY: "true" },
    });
    await stack.startWorkers();
  });
  afterAll(() => stack.close());

  it("the fourth signup a minute from one client gets 429 with Retry-After; other clients are not affected", async () => {
    const from = (ip: string) => ({ "x-forwarded-for": `203.0.113.9, ${ip}` });
    for (let i = 0; i < 3; i++) expect((await postJson(stack, { email: uniqueEmail() }, from("198.51.100.1"))).status).toBe(202);
    const limited = await postJson(stack, { email: uniqueEmail() }, from("198.51.100.1"));
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(((await limited.json()) as { error: { code: string } }).error.code).toBe("rate_limited");
    expect((await postJson(stack, { email: uniqueEmail() }, from("198.51.100.2"))).status).toBe(202);
  });

  it("the limit holds across API processes: a second process's signups count against the same minute (counted in the store)", async () => {
    // Another API process on the same database and queue store: its own dependencies, its own app.
    const other = createDeps(stack.config, stack.deps.logger);
    try {
      const otherApp = createApp(appDeps(other));
      const post = (app: typeof otherApp) =>
        app.request("/api/subscribe", {
          method: "POST",
          headers: { "content-type": "application/json", "x-forwarded-for": "203.0.113.9, 198.51.100.7" },
          body: JSON.stringify({ email: uniqueEmail("two-apis") }),
        });
      expect((await post(stack.app)).status).toBe(202);
      expect((await post(otherApp)).status).toBe(202);
      expect((await post(stack.app)).status).toBe(202);
      // The fourth of the minute, whichever process takes it.
      expect((await post(otherApp)).status).toBe(429);
      expect((await post(stack.app)).status).toBe(429);
    } finally {
      await other.close();
    }
  });

  it("CORS allows the clinic's origin and no other", async () => {
    const preflight = (origin: string) =>
      stack.app.request("/api/subscribe", {
        method: "OPTIONS",
        headers: { origin, "access-control-request-method": "POST", "access-control-request-headers": "content-type" },
      });
    const allowed = await preflight("https://clinic.example");
    expect(allowed.headers.get("access-control-allow-origin")).toBe("https://clinic.example");
    const other = await preflight("https://evil.example");
    expect(other.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("responses carry secure headers", async () => {
    const res = await stack.app.request("/");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("x-frame-options")).toBe("SAMEORIGIN");
  });

  it("the API's own header path sends what hono's secureHeaders() sends elsewhere, and CORS on the POST itself", async () => {
    const page = await stack.app.request("/healthz");
    const security = (h: Headers) =>
      [...h.entries()].filter(([name]) => !/^(content-|access-control-|vary|date|retry-after)/.test(name)).sort();
    const expected = security(page.headers);
    expect(expected.length).toBeGreaterThanOrEqual(10);
    const post = (origin: string, body: unknown) =>
      stack.app.request("/api/subscribe", {
        method: "POST",
        headers: { origin, "content-type": "application/json", "x-forwarded-for": "198.51.100.50" },
        body: JSON.stringify(body),
      });
    const accepted = await post("https://clinic.example", { email: uniqueEmail() });
    expect(accepted.status).toBe(202);
    expect(security(accepted.headers)).toEqual(expected);
    expect(accepted.headers.get("access-control-allow-origin")).toBe("https://clinic.example");
    expect(accepted.headers.get("vary")).toBe("Origin");
    // An error answer carries them too, and another site gets no CORS grant.
    const refused = await post("https://evil.example", { email: "not-an-address" });
    expect(refused.status).toBe(400);
    expect(security(refused.headers)).toEqual(expected);
    expect(refused.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("no secret and no subscriber address reaches the logs", async () => {
    const email = uniqueEmail("private");
    await postJson(stack, { email }, { "x-forwarded-for": "198.51.100.77" });
    await stack.fake!.waitFor((f) => f.acceptedTo(email).length === 1, 5000);
    stack.deps.logger.info({ config: stack.config }, "a careless log of the whole config");
    const logs = stack.logs.join("");
    expect(logs).toMatch(/"msg":"provider (batch )?call"/); // the send was logged at debug level (alone or in a batch)…
    expect(logs).not.toContain(TEST_SECRET); // …without the secrets
    expect(logs).not.toContain(TEST_API_KEY);
    expect(logs).not.toContain(email);
  });

  it("a repeat signup of a known address writes and commits like a new one (same work, same time)", async () => {
    const email = uniqueEmail("repeat");
    expect((await postJson(stack, { email }, { "x-forwarded-for": "198.51.100.90" })).status).toBe(202);
    await stack.deps.db.sql`update subscribers set last_signup_at = now() - interval '1 hour' where email = ${email}`;
    expect((await postJson(stack, { email: email.toUpperCase() }, { "x-forwarded-for": "198.51.100.90" })).status).toBe(202);
    const [row] = await stack.deps.db.sql<{ recent: boolean; n: number }[]>`
      select last_signup_at > now() - interval '1 minute' as recent,
             (select count(*)::int from enrollments e where e.subscriber_id = s.id) as n
        from subscribers s where email = ${email}`;
    expect(row).toEqual({ recent: true, n: 1 });
  });

  it("refuses a local part over 64 characters (RFC 5321), naming the field", async () => {
    const domain = "@example.com";
    const ok = await postJson(stack, { email: `${"a".repeat(56)}${uniqueEmail("").slice(1, 9)}${domain}` }, { "x-forwarded-for": "198.51.100.91" });
    expect(ok.status).toBe(202);
    const res = await postJson(stack, { email: `${"b".repeat(65)}${domain}` }, { "x-forwarded-for": "198.51.100.91" });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { code: "invalid_input", field: "email" } });
  });

  it("accepts an internationalised domain and its punycode spelling as one address, stored once", async () => {
    const local = uniqueEmail("idn").split("@")[0]!;
    const from = { "x-forwarded-for": "198.51.100.92" };
    expect((await postJson(stack, { email: `${local}@Bücher.de` }, from)).status).toBe(202);
    expect((await postJson(stack, { email: `${local}@xn--bcher-kva.de` }, from)).status).toBe(202);
    const rows = await stack.deps.db.sql<{ email: string }[]>`select email from subscribers where email like ${`${local}@%`}`;
    expect(rows).toEqual([{ email: `${local}@xn--bcher-kva.de` }]);
  });
});

describe("signup security with double opt-in", () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await createStack({ transport: "outbox", env: { DOUBLE_OPT_IN: "true" } });
  });
  afterAll(() => stack.close());

  it("a known address, whatever its state, is written like a new one (same work, same time)", async () => {
    const pending = uniqueEmail("doi-pending");
    const active = uniqueEmail("doi-active");
    for (const email of [pending, active]) expect((await postJson(stack, { email })).status).toBe(202);
    await stack.deps.db.sql`update subscribers set status = 'active', confirmed_at = now() where email = ${active}`;
    await stack.deps.db.sql`update subscribers set last_signup_at = now() - interval '1 hour' where email in (${pending}, ${active})`;
    // The pending one asks again within its 10-minute gap (no email is due): written all the same.
    for (const email of [pending, active]) expect((await postJson(stack, { email })).status).toBe(202);
    const rows = await stack.deps.db.sql<{ email: string; recent: boolean; confirmations: number }[]>`
      select email, last_signup_at > now() - interval '1 minute' as recent,
             (select count(*)::int from deliveries d where d.subscriber_id = s.id and d.kind = 'confirmation') as confirmations
        from subscribers s where email in (${pending}, ${active}) order by email`;
    expect(rows).toEqual(
      [
        { email: active, recent: true, confirmations: 1 },
        { email: pending, recent: true, confirmations: 1 },
      ].sort((a, b) => a.email.localeCompare(b.email)),
    );
  });
});
