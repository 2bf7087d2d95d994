import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { csvCell, csvLine } from "../../src/admin/csv.js";
import { fillDays } from "../../src/admin/stats.js";
import { requireAdmin, type AdminEnv } from "../../src/http/admin-auth.js";
import {
  EVERY_SESSION,
  readAdminSession,
  startAdminSession,
  SESSION_HOURS,
  type SessionRevocations,
} from "../../src/http/admin-session.js";
import { sameOrigin } from "../../src/http/same-origin.js";
import { safeNext } from "../../src/routes/admin-login.js";

const TOKEN = "unit-admin-token-".padEnd(32, "u");
const SECRET = "unit-app-secret-".padEnd(40, "s");

describe("CSV cells (RFC 4180, formula injection)", () => {
  it("quotes what needs quoting and defuses formulas", () => {
    expect(csvCell("plain")).toBe("plain");
    expect(csvCell('say "hi", then')).toBe('"say ""hi"", then"');
    expect(csvCell("two\nlines")).toBe('"two\nlines"');
    for (const danger of ["=1+1", "+1", "-1", "@SUM(A1)", "\tx"]) expect(csvCell(danger)).toBe(`'${danger}`);
    expect(csvCell(null)).toBe("");
    expect(csvCell(new Date("2026-11-24T10:00:00Z"))).toBe("2026-11-24T10:00:00.000Z");
    expect(csvLine(["a", 1, null])).toBe("a,1,\r\n");
  });
});

describe("signups per day", () => {
  const now = new Date("2026-11-25T12:00:00Z");
  it("fills every day from the first signup to today", () => {
    expect(fillDays([{ day: "2026-11-22", subscribers: 2 }, { day: "2026-11-24", subscribers: 1 }], {}, now)).toEqual([
      { date: "2026-11-22", count: 2 },
      { date: "2026-11-23", count: 0 },
      { date: "2026-11-24", count: 1 },
      { date: "2026-11-25", count: 0 },
    ]);
    expect(fillDays([], {}, now)).toEqual([]);
  });
  it("keeps to the filter's range, and an absurd range to the days that hold data", () => {
    expect(fillDays([], { from: "2026-01-01", to: "2026-01-02" }, now)).toEqual([
      { date: "2026-01-01", count: 0 },
      { date: "2026-01-02", count: 0 },
    ]);
    const wide = fillDays([{ day: "2026-11-20", subscribers: 3 }], { from: "1900-01-01" }, now);
    expect(wide[0]).toEqual({ date: "2026-11-20", count: 3 });
    expect(wide).toHaveLength(6);
  });
});

describe("the admin session and its checks", () => {
  /** An in-memory revocation list (Postgres keeps it in the app: src/db/queries/admin-sessions.ts). */
  const memoryRevocations = (): SessionRevocations => {
    const revoked = new Map<string, Date>();
    return {
      isRevoked: async (id, issuedAt) => revoked.has(id) || (revoked.get(EVERY_SESSION)?.getTime() ?? -Infinity) > issuedAt.getTime(),
      revoke: async (id, _expiresAt, now) => void revoked.set(id, now),
    };
  };
  const revocations = memoryRevocations();
  const app = (publicUrl: string, mode: "page" | "api" = "page") => {
    const session = { appSecret: SECRET, publicUrl, revocations };
    return new Hono<AdminEnv>()
      .get("/login", async (c) => {
        await startAdminSession(c, TOKEN, session, Number(c.req.query("at") ?? Date.now()));
        return c.text("ok");
      })
      .get("/check", async (c) => c.text(String(await readAdminSession(c, TOKEN, session))))
      .all("/admin/thing", requireAdmin({ token: TOKEN, session, mode }), (c) => c.text(c.get("admin").via));
  };

  it("on https: __Host- prefix, Secure, HttpOnly, SameSite=Strict", async () => {
    const res = await app("https://guide.example").request("https://guide.example/login");
    const cookie = res.headers.get("set-cookie")!;
    expect(cookie).toMatch(/^__Host-fur_admin=/);
    for (const attribute of ["Secure", "HttpOnly", "SameSite=Strict", "Path=/", `Max-Age=${SESSION_HOURS * 3600}`]) {
      expect(cookie).toContain(attribute);
    }
  });

  it("expires after 12 hours, and a session signed for another token is no session", async () => {
    const a = app("http://guide.test");
    const old = await a.request(`/login?at=${Date.now() - (SESSION_HOURS * 3600 + 5) * 1000}`);
    const stale = /^([^;]+)/.exec(old.headers.get("set-cookie")!)![1]!;
    expect(await (await a.request("/check", { headers: { cookie: stale } })).text()).toBe("false");
    const fresh = /^([^;]+)/.exec((await a.request("/login")).headers.get("set-cookie")!)![1]!;
    expect(await (await a.request("/check", { headers: { cookie: fresh } })).text()).toBe("true");
    const other = new Hono().get("/check", async (c) =>
      c.text(String(await readAdminSession(c, "another-token-another", { appSecret: SECRET, publicUrl: "http://guide.test", revocations }))),
    );
    expect(await (await other.request("/check", { headers: { cookie: fresh } })).text()).toBe("false");
    // Without a revocation list to consult, no session is taken: closed, never open.
    const unchecked = new Hono().get("/check", async (c) =>
      c.text(String(await readAdminSession(c, TOKEN, { appSecret: SECRET, publicUrl: "http://guide.test" }))),
    );
    expect(await (await unchecked.request("/check", { headers: { cookie: fresh } })).text()).toBe("false");
  });

  it("pages redirect to the login page with the way back; the API and POSTs answer 401", async () => {
    const page = await app("http://guide.test").request("/admin/thing?x=1");
    expect(page.status).toBe(303);
    expect(page.headers.get("location")).toBe("/admin/login?next=%2Fadmin%2Fthing%3Fx%3D1");
    expect((await app("http://guide.test").request("/admin/thing", { method: "POST" })).status).toBe(401);
    const api = await app("http://guide.test", "api").request("/admin/thing");
    expect(api.status).toBe(401);
    const bearer = await app("http://guide.test", "api").request("/admin/thing", { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(await bearer.text()).toBe("bearer");
  });

  it("knows our own origin", () => {
    const req = (headers: Record<string, string>) => new Request("http://127.0.0.1:3000/admin/x", { method: "POST", headers });
    expect(sameOrigin(req({ origin: "https://guide.example" }), "https://guide.example")).toBe(true);
    expect(sameOrigin(req({ origin: "http://127.0.0.1:3000" }), "https://guide.example")).toBe(true);
    expect(sameOrigin(req({ origin: "https://evil.example" }), "https://guide.example")).toBe(false);
    expect(sameOrigin(req({ referer: "https://guide.example/admin" }), "https://guide.example")).toBe(true);
    expect(sameOrigin(req({}), "https://guide.example")).toBe(false);
    expect(sameOrigin(req({ origin: "null", "sec-fetch-site": "same-origin" }), "https://guide.example")).toBe(true);
    expect(sameOrigin(req({ origin: "https://guide.example", "sec-fetch-site": "cross-site" }), "https://guide.example")).toBe(false);
  });

  it("sends back only to admin pages after login", () => {
    expect(safeNext("/admin/subscribers?q=a")).toBe("/admin/subscribers?q=a");
    expect(safeNext("/admin")).toBe("/admin");
    for (const bad of ["https://evil.example", "//evil.example/admin", "/adminx", "/", undefined, 42, "/admin\r\nSet-Cookie: a=b", "/admin/\\evil", "/admin/ x"]) {
      expect(safeNext(bad)).toBe("/admin");
    }
  });
});
