import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createStack, type TestStack } from "../support/stack.js";

/**
 * What an attacker tries against the admin's credentials (issue 17): guessing the token through
 * the Bearer header, and a cookie that outlives its logout.
 */
const TOKEN = "admin-security-token-".padEnd(40, "s");
const ORIGIN = "http://guide.test";

describe("admin credentials under attack", () => {
  let stack: TestStack;
  let n = 0;
  const fromClient = (ip = `192.0.2.${++n}`) => ({ "x-forwarded-for": ip });

  beforeAll(async () => {
    stack = await createStack({ transport: "outbox", env: { ADMIN_TOKEN: TOKEN, TRUST_PROXY: "true" } });
  });
  afterAll(() => stack.close());

  async function sessionCookie(client = fromClient()): Promise<string> {
    const res = await stack.app.request("/admin/login", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", origin: ORIGIN, ...client },
      body: new URLSearchParams({ password: TOKEN }).toString(),
    });
    expect(res.status).toBe(303);
    return /^([^;]+)/.exec(res.headers.get("set-cookie") ?? "")![1]!;
  }
  const withCookie = (cookie: string, path = "/admin/api/stats") => stack.app.request(path, { headers: { cookie } });

  it("throttles Bearer guesses per client like login attempts: 10 wrong, then 429 even for the right token", async () => {
    const attacker = fromClient("203.0.113.66");
    for (let i = 0; i < 10; i++) {
      const path = ["/admin/api/stats", "/metrics", "/admin", "/admin/api/webhook-events"][i % 4]!;
      const res = await stack.app.request(path, { headers: { authorization: `Bearer guess-${i}-guess-guess`, ...attacker } });
      expect(res.status, `${path} guess ${i}`).toBe(401);
    }
    for (const path of ["/admin/api/stats", "/metrics", "/admin/api/webhook-events"]) {
      const right = await stack.app.request(path, { headers: { authorization: `Bearer ${TOKEN}`, ...attacker } });
      expect(right.status, path).toBe(429);
      expect(Number(right.headers.get("retry-after"))).toBeGreaterThan(0);
      expect(((await right.json()) as { error: { code: string } }).error.code).toBe("rate_limited");
    }
    // The Bearer header's budget is its own (issue 30): the login form still counts its own attempts.
    const login = await stack.app.request("/admin/login", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", origin: ORIGIN, ...attacker },
      body: new URLSearchParams({ password: TOKEN }).toString(),
    });
    expect(login.status).toBe(303);
    // Another client is not affected, and a right token is never counted.
    const other = fromClient("203.0.113.67");
    for (let i = 0; i < 15; i++) {
      expect((await stack.app.request("/admin/api/stats", { headers: { authorization: `Bearer ${TOKEN}`, ...other } })).status).toBe(200);
    }
  });

  it("logging out ends the session on the server: a copy of the cookie no longer opens anything", async () => {
    const cookie = await sessionCookie();
    expect((await withCookie(cookie)).status).toBe(200);
    const logout = await stack.app.request("/admin/logout", { method: "POST", headers: { cookie, origin: ORIGIN } });
    expect(logout.status).toBe(303);
    // The browser drops its cookie; an attacker who copied it replays it.
    expect((await withCookie(cookie)).status).toBe(401);
    expect((await withCookie(cookie, "/admin")).status).toBe(303);
    // A new login is a new session.
    expect((await withCookie(await sessionCookie())).status).toBe(200);
  });

  it("logging out everywhere ends every session issued until then, and later logins work", async () => {
    const first = await sessionCookie();
    const second = await sessionCookie();
    expect((await withCookie(first)).status).toBe(200);
    expect((await withCookie(second)).status).toBe(200);
    const res = await stack.app.request("/admin/logout-everywhere", { method: "POST", headers: { cookie: first, origin: ORIGIN } });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/admin/login");
    expect((await withCookie(first)).status).toBe(401);
    expect((await withCookie(second)).status).toBe(401);
    const after = await sessionCookie();
    expect((await withCookie(after)).status).toBe(200);
    const audit = await stack.deps.db.sql<{ action: string }[]>`select action from admin_audit where action like 'logout%'`;
    expect(audit.map((a) => a.action)).toContain("logout.everywhere");
    // Without a session or the token, it is refused like every admin route.
    expect((await stack.app.request("/admin/logout-everywhere", { method: "POST", headers: { origin: ORIGIN } })).status).toBe(401);
  });
});
