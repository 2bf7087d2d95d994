import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createStack, type TestStack } from "../support/stack.js";

const TOKEN = "auth-admin-token-".padEnd(40, "a");
const METRICS_TOKEN = "metrics-only-token-".padEnd(32, "m");
const ORIGIN = "http://guide.test";

/** Fills a route pattern's parameters with values that pass the handlers' own checks. */
function concretePath(path: string): string {
  return path
    .replace(":id", "00000000-0000-4000-8000-000000000001")
    .replace(":name", "dashboard.js")
    .replace(":action", "unsubscribe")
    .replace(/:[A-Za-z]+(\{[^}]*\})?/g, "x")
    .replace(/\*$/, "x");
}

describe("admin authentication", () => {
  let stack: TestStack;
  let n = 0;
  /** A client address of its own per call, so the login limit of one test does not touch another. */
  const fromClient = (ip = `198.51.100.${++n}`) => ({ "x-forwarded-for": ip });

  beforeAll(async () => {
    stack = await createStack({ transport: "outbox", env: { ADMIN_TOKEN: TOKEN, METRICS_TOKEN, TRUST_PROXY: "true" } });
  });
  afterAll(() => stack.close());

  const login = async (password = TOKEN, headers: Record<string, string> = fromClient()) =>
    stack.app.request("/admin/login", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", origin: ORIGIN, ...headers },
      body: new URLSearchParams({ password, next: "/admin/subscribers?q=a" }).toString(),
    });
  const sessionCookie = async () => {
    const res = await login();
    expect(res.status).toBe(303);
    return /^([^;]+)/.exec(res.headers.get("set-cookie") ?? "")![1]!;
  };

  it("every admin route answers 401 or sends to the login page without credentials", async () => {
    const routes = stack.app.routes.filter(
      (r) => (r.path.startsWith("/admin") || r.path === "/metrics") && r.path !== "/admin/login" && r.method !== "ALL",
    );
    const seen = new Set<string>();
    for (const route of routes) {
      const key = `${route.method} ${route.path}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const attempts: Record<string, string>[] = [{}, { authorization: "Bearer wrong-token-wrong-token" }, { cookie: "fur_admin=v1.1.forged" }];
      for (const headers of attempts) {
        const res = await stack.app.request(concretePath(route.path), { method: route.method, headers: { ...headers, ...fromClient() } });
        const redirect = res.status === 303 && (res.headers.get("location") ?? "").startsWith("/admin/login?next=");
        expect(res.status === 401 || redirect, `${key} with ${JSON.stringify(headers)} answered ${res.status}`).toBe(true);
      }
    }
    // The walk covered the dashboard, the stats API, the tools, the queue UI and the metrics.
    const paths = [...seen].join("\n");
    for (const p of ["GET /admin\n", "GET /admin/api/stats", "GET /admin/subscribers.csv", "POST /admin/subscribers/:id/:action", "/admin/queues", "GET /metrics", "GET /admin/outbox/:id/html", "POST /admin/logout"]) {
      expect(`${paths}\n`).toContain(p);
    }
  });

  it("logs in with ADMIN_TOKEN: a signed httpOnly SameSite=Strict cookie, then pages and API open", async () => {
    const page = await stack.app.request("/admin/login?next=/admin/failures");
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('name="password"');
    expect(html).toContain('value="/admin/failures"');

    const res = await login();
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/admin/subscribers?q=a");
    const setCookie = res.headers.get("set-cookie")!;
    expect(setCookie).toMatch(/^fur_admin=/);
    expect(setCookie).toContain("HttpOnly");
    expect(setCookie).toContain("SameSite=Strict");
    expect(setCookie).toContain("Path=/");
    expect(setCookie).toContain("Max-Age=43200");
    expect(setCookie).not.toContain(TOKEN);
    const cookie = /^([^;]+)/.exec(setCookie)![1]!;

    for (const path of ["/admin", "/admin/api/stats", "/admin/subscribers", "/metrics", "/admin/queues"]) {
      const ok = await stack.app.request(path, { headers: { cookie } });
      expect(ok.status, path).toBe(200);
    }
    // A changed byte in the signature is no session.
    const forged = cookie.replace(/.$/, (ch) => (ch === "A" ? "B" : "A"));
    expect((await stack.app.request("/admin", { headers: { cookie: forged } })).status).toBe(303);
  });

  it("refuses a wrong token, and never logs the token or a password", async () => {
    const res = await login("not-the-token-at-all");
    expect(res.status).toBe(401);
    expect(await res.text()).toContain("That is not the admin token.");
    expect(res.headers.get("set-cookie")).toBeNull();
    const [row] = await stack.deps.db.sql<{ n: number }[]>`select count(*)::int as n from admin_audit where action = 'login.failed'`;
    expect(row!.n).toBeGreaterThanOrEqual(1);
    const logs = stack.logs.join("");
    expect(logs).toContain('"action":"login.failed"');
    expect(logs).not.toContain(TOKEN);
    expect(logs).not.toContain("not-the-token-at-all");
  });

  it("rate limits login attempts per client address: 10 per 15 minutes, then 429 even with the right token", async () => {
    const client = fromClient("203.0.113.77");
    for (let i = 0; i < 10; i++) expect((await login(`wrong-${i}-wrong-wrong`, client)).status).toBe(401);
    const limited = await login(TOKEN, client);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(limited.headers.get("set-cookie")).toBeNull();
    // Another client is not affected.
    expect((await login()).status).toBe(303);
  });

  it("takes a state-changing request only from our own pages (Origin), on top of SameSite=Strict", async () => {
    const cookie = await sessionCookie();
    const [sub] = await stack.deps.db.sql<{ id: string }[]>`
      insert into subscribers (email, status) values ('csrf-target@example.com', 'active') returning id`;
    const post = (headers: Record<string, string>) =>
      stack.app.request(`/admin/subscribers/${sub!.id}/unsubscribe`, { method: "POST", headers: { cookie, ...headers } });
    expect((await post({})).status).toBe(403);
    expect((await post({ origin: "https://evil.example" })).status).toBe(403);
    expect((await post({ referer: "https://evil.example/page" })).status).toBe(403);
    expect((await post({ origin: "null" })).status).toBe(403);
    // Fetch Metadata, when the browser sends it, decides (a page cannot forge it).
    expect((await post({ origin: ORIGIN, "sec-fetch-site": "cross-site" })).status).toBe(403);
    const [still] = await stack.deps.db.sql<{ status: string }[]>`select status from subscribers where id = ${sub!.id}`;
    expect(still!.status).toBe("active");
    const ok = await post({ origin: ORIGIN });
    expect(ok.status).toBe(303);
    const [now] = await stack.deps.db.sql<{ status: string }[]>`select status from subscribers where id = ${sub!.id}`;
    expect(now!.status).toBe("unsubscribed");
    // A login posted from another site is refused too.
    const foreign = await stack.app.request("/admin/login", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", origin: "https://evil.example", ...fromClient() },
      body: new URLSearchParams({ password: TOKEN }).toString(),
    });
    expect(foreign.status).toBe(403);
  });

  it("the Bearer token opens the API; METRICS_TOKEN opens /metrics and nothing else", async () => {
    const refused = await stack.app.request("/admin/api/stats");
    expect(refused.status).toBe(401);
    expect(refused.headers.get("www-authenticate")).toBe('Bearer realm="admin"');
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe("unauthorized");
    expect((await stack.app.request("/admin/api/stats", { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(200);
    expect((await stack.app.request("/metrics", { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).status).toBe(200);
    expect((await stack.app.request("/admin/api/stats", { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).status).toBe(401);
    expect((await stack.app.request("/admin", { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).status).toBe(401);
  });

  it("logs out: the cookie is cleared and the action recorded", async () => {
    const cookie = await sessionCookie();
    const res = await stack.app.request("/admin/logout", { method: "POST", headers: { cookie, origin: ORIGIN } });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/admin/login");
    expect(res.headers.get("set-cookie")).toMatch(/^fur_admin=;.*Max-Age=0/);
    const rows = await stack.deps.db.sql<{ action: string; actor: string }[]>`select action, actor from admin_audit where action in ('login', 'logout')`;
    expect(rows.map((r) => r.action)).toContain("logout");
    expect(rows.every((r) => r.actor.startsWith("admin"))).toBe(true);
  });
});

describe("admin without ADMIN_TOKEN", () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await createStack({ transport: "outbox" });
  });
  afterAll(() => stack.close());

  it("stays closed: the login page says how to open it and nothing logs in", async () => {
    const page = await stack.app.request("/admin/login");
    expect(page.status).toBe(503);
    expect(await page.text()).toContain("set ADMIN_TOKEN");
    const res = await stack.app.request("/admin/login", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "password=",
    });
    expect(res.status).toBe(503);
    expect((await stack.app.request("/admin/api/stats", { headers: { authorization: "Bearer " } })).status).toBe(401);
    expect((await stack.app.request("/admin")).status).toBe(303);
  });
});
