import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bodyLimitFor } from "../../src/http/body-limit.js";
import { signToken } from "../../src/tokens.js";
import { createStack, postJson, TEST_SECRET, uniqueEmail, type TestStack } from "../support/stack.js";
import { postWebhook, resendEvent, svixHeaders, TEST_WEBHOOK_SECRET } from "../support/svix.js";

/**
 * The HTTP surface as a whole (issue 17): walks every route the app mounts — read from the Hono
 * app's own `routes`, so a route added later is walked too — plus the 5xx paths and link-token
 * spellings the outside probe found.
 */
const TOKEN = "http-security-admin-token-".padEnd(40, "h");
const ORIGIN = "http://guide.test";
const MB = 1024 * 1024;

describe("every route the app mounts", () => {
  let stack: TestStack;
  let subscriberId: string;
  let n = 0;
  /** Each request its own client address, so no per-client limit decides an answer here. */
  const fromClient = () => ({ "x-forwarded-for": `198.51.100.${(++n % 250) + 1}` });

  beforeAll(async () => {
    stack = await createStack({
      transport: "outbox",
      env: { ADMIN_TOKEN: TOKEN, RESEND_WEBHOOK_SECRET: TEST_WEBHOOK_SECRET, TRUST_PROXY: "true" },
    });
    const email = uniqueEmail("walk");
    expect((await postJson(stack, { email })).status).toBe(202);
    const [row] = await stack.deps.db.sql<{ id: string }[]>`select id from subscribers where email = ${email}`;
    subscriberId = row!.id;
  });
  afterAll(() => stack.close());

  /** Every (method, pattern) the app answers, middleware ("ALL") aside. */
  function mountedRoutes(): { method: string; path: string }[] {
    const seen = new Map<string, { method: string; path: string }>();
    for (const r of stack.app.routes) if (r.method !== "ALL") seen.set(`${r.method} ${r.path}`, { method: r.method, path: r.path });
    return [...seen.values()];
  }

  /** A concrete path for a pattern: a real subscriber, a valid token of the kind the path takes. */
  function concretePath(path: string): string {
    const kind = path.startsWith("/guide/") ? "guide" : path.startsWith("/confirm/") ? "confirm" : "unsubscribe";
    const expiry = kind === "unsubscribe" ? null : new Date(Date.now() + 3600_000);
    return path
      .replace(":token", signToken(TEST_SECRET, kind, subscriberId, expiry))
      .replace(":id", subscriberId)
      .replace(":name", "dashboard.js")
      .replace(":action", "export")
      .replace(/:[A-Za-z]+(\{[^}]*\})?/g, "x")
      .replace(/\*$/, "x");
  }

  /** A body of `total` bytes that is produced only as it is read, counting what was read. */
  function countedBody(total: number, chunk = 64 * 1024) {
    const counter = { pulled: 0 };
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (counter.pulled >= total) return controller.close();
        counter.pulled += chunk;
        controller.enqueue(new Uint8Array(chunk).fill(0x61));
      },
    });
    return { stream, counter };
  }

  it("walks a real surface: the reader's pages, the API, the webhooks, the admin, the queue UI", () => {
    const keys = mountedRoutes().map((r) => `${r.method} ${r.path}`);
    for (const expected of ["GET /", "POST /api/subscribe", "GET /unsubscribe/:token", "POST /webhooks/resend", "POST /admin/login", "GET /metrics"]) {
      expect(keys).toContain(expected);
    }
    expect(keys.some((k) => k.startsWith("GET /admin/queues"))).toBe(true);
    expect(keys.length).toBeGreaterThan(30);
  });

  it("answers a body far over the limit with 413, without reading it whole (streamed or declared)", async () => {
    for (const route of mountedRoutes()) {
      const path = concretePath(route.path);
      const limit = bodyLimitFor(new URL(path, ORIGIN).pathname);
      const label = `${route.method} ${route.path}`;

      // Declared: the Content-Length alone decides, before any route reads a byte.
      const declared = await stack.app.request(path, {
        method: route.method,
        headers: { "content-length": String(100 * MB), "content-type": "application/x-www-form-urlencoded", ...fromClient() },
      });
      expect(declared.status, `${label} (declared)`).toBe(413);

      if (route.method === "GET" || route.method === "HEAD") continue;
      // Streamed (no length, as a chunked upload): reading stops at the first chunk past the limit.
      const { stream, counter } = countedBody(100 * MB);
      const streamed = await stack.app.request(path, {
        method: route.method,
        headers: { "content-type": "application/x-www-form-urlencoded", "transfer-encoding": "chunked", ...fromClient() },
        body: stream,
        duplex: "half",
      } as RequestInit);
      expect(streamed.status, `${label} (streamed)`).toBe(413);
      expect(((await streamed.json()) as { error: { code: string } }).error.code).toBe("payload_too_large");
      expect(counter.pulled, `${label} read ${counter.pulled} bytes`).toBeLessThan(limit + 4 * 64 * 1024);
    }
  });

  it("sends a Content-Security-Policy with every text/html response, and never a 5xx, signed in or not", async () => {
    const pages: string[] = [];
    const variants: Record<string, string>[] = [{}, { authorization: `Bearer ${TOKEN}` }];
    for (const route of mountedRoutes()) {
      const path = concretePath(route.path);
      for (const headers of variants) {
        const bodies: (RequestInit & { label: string })[] =
          route.method === "GET" || route.method === "HEAD"
            ? [{ label: "no body" }]
            : [
                { label: "no body" },
                { label: "form", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "email=a%40b&password=x&next=%2Fadmin" },
                { label: "bad json", headers: { "content-type": "application/json" }, body: "{not json" },
                { label: "json", headers: { "content-type": "application/json" }, body: JSON.stringify({ email: "x@example.com" }) },
              ];
        for (const { label, headers: extra, body } of bodies) {
          const res = await stack.app.request(path, {
            method: route.method,
            headers: { origin: ORIGIN, ...headers, ...(extra as Record<string, string> | undefined), ...fromClient() },
            body,
          });
          const what = `${route.method} ${route.path} (${label}${headers.authorization ? ", bearer" : ""}) → ${res.status}`;
          expect(res.status, what).toBeLessThan(500);
          if ((res.headers.get("content-type") ?? "").startsWith("text/html")) {
            pages.push(what);
            expect(res.headers.get("content-security-policy"), what).toMatch(/default-src '(none|self)'/);
          }
          await res.arrayBuffer();
        }
      }
    }
    // The walk did see pages: the reader's, the admin's, the login and the queue UI.
    for (const p of ["GET /unsubscribe/:token ", "GET /confirm/:token ", "GET /admin/login ", "GET /admin/queues", "GET /admin/subscribers "]) {
      expect(pages.some((w) => w.startsWith(p)), p).toBe(true);
    }
    expect(stack.logs.join("")).not.toMatch(/"level":50/);
  });

  it("the page types the probe found without a CSP now carry one: unsubscribe (200 and 400), confirm, login, queue UI", async () => {
    const unsubscribe = `/unsubscribe/${signToken(TEST_SECRET, "unsubscribe", subscriberId, null)}`;
    const confirm = `/confirm/${signToken(TEST_SECRET, "confirm", subscriberId, new Date(Date.now() + 3600_000))}`;
    const responses = [
      await stack.app.request(unsubscribe),
      await stack.app.request("/unsubscribe/not-a-token"),
      await stack.app.request(unsubscribe, { method: "POST", body: "List-Unsubscribe=One-Click", headers: { "content-type": "application/x-www-form-urlencoded" } }),
      await stack.app.request(confirm),
      await stack.app.request("/confirm/not-a-token"),
      await stack.app.request("/admin/login"),
      await stack.app.request("/admin/queues", { headers: { authorization: `Bearer ${TOKEN}` } }),
    ];
    // The confirm link comes after the one-click above: its page is the 410 "expired" one.
    expect(responses.map((r) => r.status)).toEqual([200, 400, 200, 410, 400, 200, 200]);
    for (const res of responses) {
      expect(res.headers.get("content-type")).toMatch(/^text\/html/);
      expect(res.headers.get("content-security-policy")).toMatch(/frame-ancestors/);
    }
  });
});

describe("the 5xx paths and token spellings the probe found", () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await createStack({ transport: "outbox", env: { ADMIN_TOKEN: TOKEN, RESEND_WEBHOOK_SECRET: TEST_WEBHOOK_SECRET } });
  });
  afterAll(() => stack.close());

  async function reader(): Promise<string> {
    const email = uniqueEmail("probe");
    expect((await postJson(stack, { email })).status).toBe(202);
    const [row] = await stack.deps.db.sql<{ id: string }[]>`select id from subscribers where email = ${email}`;
    return row!.id;
  }

  it("a signed webhook with a 3,000-character svix-id is a 400 naming svix-id, and nothing is stored", async () => {
    const body = JSON.stringify(resendEvent("email.delivered", "em_long_id"));
    const res = await postWebhook(stack, body, svixHeaders(body, { id: `msg_${"x".repeat(3000)}` }));
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { code: "invalid_input", field: "svix-id" } });
    const [{ n }] = (await stack.deps.db.sql`select count(*)::int as n from email_events`) as unknown as [{ n: number }];
    expect(n).toBe(0);
    // An id of ordinary length is still taken.
    const ok = await postWebhook(stack, body, svixHeaders(body, { id: `msg_${"y".repeat(200)}` }));
    expect(ok.status).toBe(200);
  });

  it("the login's next= with CR/LF (or any non-path character) sends to /admin, never a 500", async () => {
    for (const next of ["/admin\r\nSet-Cookie: x=1", "/admin/\nx", "/admin\\\\evil.example", "/admin/ok?q=a b"]) {
      const res = await stack.app.request("/admin/login", {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", origin: ORIGIN },
        body: new URLSearchParams({ password: TOKEN, next }).toString(),
      });
      expect(res.status, JSON.stringify(next)).toBe(303);
      expect(res.headers.get("location")).toBe("/admin");
      const page = await stack.app.request(`/admin/login?next=${encodeURIComponent(next)}`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('value="/admin"');
    }
    const kept = await stack.app.request("/admin/login", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", origin: ORIGIN },
      body: new URLSearchParams({ password: TOKEN, next: "/admin/subscribers?q=ana%40example.com" }).toString(),
    });
    expect(kept.headers.get("location")).toBe("/admin/subscribers?q=ana%40example.com");
  });

  it("an unsubscribe or confirm token signed over a subject that is not a subscriber id gets the 400 page, not a 500", async () => {
    for (const subject of ["not-a-uuid", "1", "x".repeat(100)]) {
      const unsubscribe = await stack.app.request(`/unsubscribe/${signToken(TEST_SECRET, "unsubscribe", subject, null)}`);
      expect(unsubscribe.status).toBe(400);
      const oneClick = await stack.app.request(`/unsubscribe/${signToken(TEST_SECRET, "unsubscribe", subject, null)}`, { method: "POST" });
      expect(oneClick.status).toBe(400);
      const confirm = await stack.app.request(`/confirm/${signToken(TEST_SECRET, "confirm", subject, new Date(Date.now() + 60_000))}`);
      expect(confirm.status).toBe(400);
      const guide = await stack.app.request(`/guide/${signToken(TEST_SECRET, "guide", subject, new Date(Date.now() + 60_000))}`);
      expect(guide.status).toBe(400);
    }
    expect(stack.logs.join("")).not.toMatch(/"level":50/);
  });

  it("accepts a link token in exactly one spelling: no padding, no %00, no flipped unused bits", async () => {
    const id = await reader();
    const token = signToken(TEST_SECRET, "unsubscribe", id, null);
    expect((await stack.app.request(`/unsubscribe/${token}`)).status).toBe(200);
    const [payload, mac] = token.split(".") as [string, string];
    // A 16-byte MAC is 22 base64url characters (132 bits): the last one's 4 low bits decode to nothing.
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    const sameBits = alphabet[alphabet.indexOf(mac.at(-1)!) ^ 1]!;
    const spellings = [
      `${token}==`,
      `${token}%00`,
      `${payload}.${mac.slice(0, -1)}${sameBits}`,
      `${payload}=.${mac}`,
      `${payload}.${mac}%3D`,
    ];
    for (const spelling of spellings) {
      const res = await stack.app.request(`/unsubscribe/${spelling}`);
      expect(res.status, spelling).toBe(400);
    }
  });

  it("a 5xx on a link route logs the route's pattern, never the path that holds the token", async () => {
    const id = await reader();
    const token = signToken(TEST_SECRET, "unsubscribe", id, null);
    // A real fault at a real boundary: the table the page reads is gone for a moment.
    await stack.deps.db.sql`alter table subscribers rename to subscribers_away`;
    try {
      const res = await stack.app.request(`/unsubscribe/${token}`);
      expect(res.status).toBe(500);
    } finally {
      await stack.deps.db.sql`alter table subscribers_away rename to subscribers`;
    }
    const logs = stack.logs.join("");
    expect(logs).toContain('"route":"/unsubscribe/:token"');
    expect(logs).not.toContain(token);
    expect(logs).not.toContain(token.split(".")[1]!);
  });
});
