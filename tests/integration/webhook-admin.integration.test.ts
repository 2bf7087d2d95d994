import http from "node:http";
import type { AddressInfo } from "node:net";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createStack, postJson, uniqueEmail, waitFor, type TestStack, adminSessionCookie } from "../support/stack.js";

/**
 * Issue 16, the admin's side of outgoing webhooks, through the real app: the JSON API (Bearer
 * ADMIN_TOKEN) and the /admin/webhooks pages (the session), on a stack whose workers call a local
 * node:http receiver for real — which verifies every signature with the `standardwebhooks`
 * package's own `verify`. The receiver is on loopback, so that stack allows private addresses
 * (as development and tests do by default); a second stack, with WEBHOOK_ALLOW_PRIVATE_URLS=false
 * as in production, checks the URLs refused at creation.
 */
const TOKEN = "webhook-admin-token-".padEnd(40, "w");
const ORIGIN = "http://guide.test";

interface Received {
  path: string;
  headers: Record<string, string>;
  body: string;
}

describe("outgoing webhooks: the admin API and page", () => {
  let stack: TestStack;
  let strict: TestStack;
  let receiver: http.Server;
  let base = "";
  const received: Received[] = [];
  const goneOnce = new Set<string>();
  let cookie = "";

  const api = (s: TestStack, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    s.app.request(path, {
      method,
      headers: {
        authorization: `Bearer ${TOKEN}`,
        ...(body === undefined ? {} : { "content-type": "application/json" }),
        ...headers,
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  const create = async (s: TestStack, body: unknown) => {
    const res = await api(s, "POST", "/admin/api/webhook-endpoints", body);
    return { status: res.status, json: (await res.json()) as Record<string, unknown> & { error?: { code: string; field?: string; message: string } } };
  };
  const createOk = async (path: string, extra: Record<string, unknown> = {}) => {
    const { status, json } = await create(stack, { url: `${base}${path}`, ...extra });
    expect(status, JSON.stringify(json)).toBe(201);
    return json as { id: string; url: string; secret: string; events: string[] | null; status: string };
  };
  const page = (path: string) => stack.app.request(path, { headers: { cookie } });
  const form = (path: string, fields: [string, string][], headers: Record<string, string> = { origin: ORIGIN }) =>
    stack.app.request(path, {
      method: "POST",
      headers: { cookie, "content-type": "application/x-www-form-urlencoded", ...headers },
      body: new URLSearchParams(fields).toString(),
    });
  const at = (path: string) => received.filter((r) => r.path === path);
  const callRows = (endpointId: string) =>
    stack.deps.db.sql<{ id: number; state: string; messageId: string; createdAt: Date }[]>`
      select d.id, d.state, e.message_id as "messageId", d.created_at as "createdAt"
        from deliveries d join webhook_events e on e.id = d.webhook_event_id
       where d.endpoint_id = ${endpointId} order by d.id`;
  const rowState = async (id: number) => (await stack.deps.db.sql<{ state: string }[]>`select state from deliveries where id = ${id}`)[0]?.state;
  const waitForState = (id: number, state: string) => waitFor(async () => (await rowState(id)) === state, 15_000, `call ${id} to be ${state}`);

  beforeAll(async () => {
    receiver = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (chunk: Buffer) => chunks.push(chunk));
      req.on("end", () => {
        const path = req.url ?? "/";
        const headers: Record<string, string> = {};
        for (const [name, value] of Object.entries(req.headers)) if (typeof value === "string") headers[name] = value;
        received.push({ path, headers, body: Buffer.concat(chunks).toString("utf8") });
        if (path.startsWith("/gone-always/")) {
          // Untrusted text: the log page must show it as text.
          res.writeHead(410, { "content-type": "text/html" }).end("<script>alert('gone')</script> we moved");
        } else if (path.startsWith("/gone-once/") && !goneOnce.has(path)) {
          goneOnce.add(path);
          res.writeHead(410).end("gone for now");
        } else {
          res.writeHead(200, { "content-type": "application/json" }).end('{"ok":true}');
        }
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;

    stack = await createStack({ transport: "outbox", env: { ADMIN_TOKEN: TOKEN, WEBHOOK_ALLOW_PRIVATE_URLS: "true" } });
    strict = await createStack({ transport: "outbox", env: { ADMIN_TOKEN: TOKEN, WEBHOOK_ALLOW_PRIVATE_URLS: "false" } });
    await stack.startWorkers();
    cookie = await adminSessionCookie(stack, TOKEN, ORIGIN);
  });

  afterAll(async () => {
    await stack?.close();
    await strict?.close();
    receiver?.closeAllConnections();
    await new Promise((resolve) => receiver?.close(resolve));
  });

  it("refuses every route without the admin token (401), and a wrong one", async () => {
    const routes: [string, string][] = [
      ["GET", "/admin/api/webhook-endpoints"],
      ["POST", "/admin/api/webhook-endpoints"],
      ["DELETE", "/admin/api/webhook-endpoints/00000000-0000-4000-8000-000000000000"],
      ["POST", "/admin/api/webhook-endpoints/00000000-0000-4000-8000-000000000000/test"],
      ["GET", "/admin/api/webhook-endpoints/00000000-0000-4000-8000-000000000000/deliveries"],
      ["POST", "/admin/api/webhook-deliveries/1/replay"],
    ];
    for (const [method, path] of routes) {
      const res = await stack.app.request(path, { method });
      expect(res.status, `${method} ${path}`).toBe(401);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe("unauthorized");
    }
    const wrong = await stack.app.request("/admin/api/webhook-endpoints", { headers: { authorization: "Bearer not-the-token-at-all-xxxxxxxx" } });
    expect(wrong.status).toBe(401);
    // The page sends a visitor without a session to the login page.
    const anonymous = await stack.app.request("/admin/webhooks");
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.get("location")).toContain("/admin/login");
  });

  it("creates an endpoint: 201 with a whsec_ secret shown once, never in the list", async () => {
    const created = await createOk("/ok/list", { description: "Front desk CRM" });
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(created.secret.slice("whsec_".length), "base64")).toHaveLength(32);
    expect(created).toMatchObject({ url: `${base}/ok/list`, events: null, status: "enabled", description: "Front desk CRM" });

    const some = await createOk("/ok/some", { events: ["subscriber.unsubscribed", "guide.downloaded", "guide.downloaded"] });
    expect(some.events).toEqual(["guide.downloaded", "subscriber.unsubscribed"]); // the list's order, once each
    expect(some.secret).not.toBe(created.secret);

    const list = await api(stack, "GET", "/admin/api/webhook-endpoints");
    expect(list.status).toBe(200);
    expect(list.headers.get("cache-control")).toBe("no-store");
    const text = await list.text();
    expect(text).not.toContain(created.secret);
    expect(text).not.toContain(some.secret);
    expect(text).not.toMatch(/secret"/i); // neither secret column, under any name
    const { endpoints } = JSON.parse(text) as { endpoints: { id: string; status: string; disabledReason: unknown; failingSince: unknown }[] };
    expect(endpoints.find((e) => e.id === created.id)).toMatchObject({ status: "enabled", disabledReason: null, failingSince: null });
  });

  it("refuses a URL that is not https or not public (400 naming url) when private URLs are not allowed", async () => {
    for (const url of ["http://example.com/hook", "https://127.0.0.1/", "https://[::ffff:10.0.0.1]/", "https://localhost/hook", "not a url", "https://user:pw@example.com/"]) {
      const { status, json } = await create(strict, { url });
      expect(status, url).toBe(400);
      expect(json.error, url).toMatchObject({ code: "invalid_input", field: "url" });
    }
    const mapped = await create(strict, { url: "https://[::ffff:10.0.0.1]/" });
    expect(mapped.json.error!.message).toContain("10.0.0.1");
    expect(((await (await api(strict, "GET", "/admin/api/webhook-endpoints")).json()) as { endpoints: unknown[] }).endpoints).toEqual([]);
    // The same http URL is fine where private URLs are allowed (development, tests).
    await createOk("/ok/allowed");
  });

  it("refuses bad events (400 naming events) and a long description", async () => {
    for (const events of [["nope"], [], ["webhook.test"], "subscriber.created", [1]]) {
      const { status, json } = await create(stack, { url: `${base}/ok/events`, events });
      expect(status, JSON.stringify(events)).toBe(400);
      expect(json.error, JSON.stringify(events)).toMatchObject({ code: "invalid_input", field: "events" });
    }
    const long = await create(stack, { url: `${base}/ok/events`, description: "x".repeat(201) });
    expect(long.status).toBe(400);
    expect(long.json.error!.field).toBe("description");
    const missing = await create(stack, {});
    expect(missing.json.error!.field).toBe("url");
    const notJson = await stack.app.request("/admin/api/webhook-endpoints", {
      method: "POST",
      headers: { authorization: `Bearer ${TOKEN}`, "content-type": "text/plain" },
      body: "url=x",
    });
    expect(notJson.status).toBe(415);
  });

  it("deletes an endpoint (204, then 404); a malformed id is a 404, never a 500", async () => {
    const doomed = await createOk("/ok/doomed");
    expect((await api(stack, "DELETE", `/admin/api/webhook-endpoints/${doomed.id}`)).status).toBe(204);
    expect((await api(stack, "DELETE", `/admin/api/webhook-endpoints/${doomed.id}`)).status).toBe(404);
    const list = (await (await api(stack, "GET", "/admin/api/webhook-endpoints")).json()) as { endpoints: { id: string }[] };
    expect(list.endpoints.map((e) => e.id)).not.toContain(doomed.id);
    for (const id of ["not-a-uuid", "123", "%27%3B--"]) {
      expect((await api(stack, "DELETE", `/admin/api/webhook-endpoints/${id}`)).status, id).toBe(404);
      expect((await api(stack, "POST", `/admin/api/webhook-endpoints/${id}/test`)).status, id).toBe(404);
    }
    for (const id of ["abc", "0", "99999999999999999999", "00000000-0000-4000-8000-000000000000"]) {
      expect((await api(stack, "POST", `/admin/api/webhook-deliveries/${id}/replay`)).status, id).toBe(404);
    }
  });

  it("sends a signed webhook.test to one endpoint; the receiver verifies it with the package's own verify", async () => {
    const endpoint = await createOk("/ok/test");
    const res = await api(stack, "POST", `/admin/api/webhook-endpoints/${endpoint.id}/test`);
    expect(res.status).toBe(202);
    const { deliveryId } = (await res.json()) as { deliveryId: number };
    const [row] = await stack.deps.db.sql<{ kind: string; endpointId: string }[]>`
      select kind, endpoint_id as "endpointId" from deliveries where id = ${deliveryId}`;
    expect(row).toEqual({ kind: "webhook", endpointId: endpoint.id });

    const [call] = await waitFor(async () => at("/ok/test").length > 0 && at("/ok/test"), 15_000, "the test call at the receiver");
    const verified = new Webhook(endpoint.secret).verify(call!.body, call!.headers) as { type: string; data: { endpointId: string } };
    expect(verified.type).toBe("webhook.test");
    expect(verified.data.endpointId).toBe(endpoint.id);
    expect(call!.headers["content-type"]).toBe("application/json");
    expect(() => new Webhook(`whsec_${Buffer.alloc(32, 1).toString("base64")}`).verify(call!.body, call!.headers)).toThrow();
    await waitForState(deliveryId, "sent");
  });

  it("rotates the secret: a new one, the old one signing 24 h more — both verify the next call", async () => {
    const endpoint = await createOk("/ok/rotate");
    const res = await api(stack, "POST", `/admin/api/webhook-endpoints/${endpoint.id}/rotate-secret`);
    expect(res.status).toBe(200);
    const { secret } = (await res.json()) as { secret: string };
    expect(secret).toMatch(/^whsec_/);
    expect(secret).not.toBe(endpoint.secret);
    const [row] = await stack.deps.db.sql<{ secret: string; previousSecret: string; hoursLeft: number }[]>`
      select secret, previous_secret as "previousSecret",
             (extract(epoch from previous_secret_until - now()) / 3600)::float8 as "hoursLeft"
        from webhook_endpoints where id = ${endpoint.id}`;
    // Stored sealed (src/notify/secret-box.ts), never in clear.
    expect(row!.secret).toMatch(/^sealed:v1:/);
    expect(stack.deps.webhooks.secrets.open(row!.secret)).toBe(secret);
    expect(stack.deps.webhooks.secrets.open(row!.previousSecret!)).toBe(endpoint.secret);
    expect(row!.hoursLeft).toBeGreaterThan(23.9);
    expect(row!.hoursLeft).toBeLessThanOrEqual(24);

    expect((await api(stack, "POST", `/admin/api/webhook-endpoints/${endpoint.id}/test`)).status).toBe(202);
    const [call] = await waitFor(async () => at("/ok/rotate").length > 0 && at("/ok/rotate"), 15_000, "the call after the rotation");
    expect(() => new Webhook(secret).verify(call!.body, call!.headers)).not.toThrow();
    expect(() => new Webhook(endpoint.secret).verify(call!.body, call!.headers)).not.toThrow();
    expect((await api(stack, "POST", "/admin/api/webhook-endpoints/00000000-0000-4000-8000-000000000000/rotate-secret")).status).toBe(404);
  });

  it("a failed call (410 disabled the endpoint) is refused while disabled, then replayed under the same webhook-id", async () => {
    const endpoint = await createOk("/gone-once/g");
    const { deliveryId } = (await (await api(stack, "POST", `/admin/api/webhook-endpoints/${endpoint.id}/test`)).json()) as { deliveryId: number };
    await waitForState(deliveryId, "failed");
    const list = (await (await api(stack, "GET", "/admin/api/webhook-endpoints")).json()) as {
      endpoints: { id: string; status: string; disabledReason: string | null }[];
    };
    expect(list.endpoints.find((e) => e.id === endpoint.id)).toMatchObject({ status: "disabled", disabledReason: "the receiver answered 410 Gone" });

    for (const path of [`/admin/api/webhook-deliveries/${deliveryId}/replay`, `/admin/api/webhook-endpoints/${endpoint.id}/test`]) {
      const refused = await api(stack, "POST", path);
      expect(refused.status, path).toBe(409);
      expect(((await refused.json()) as { error: { message: string } }).error.message).toContain("enable it first");
    }
    expect((await api(stack, "POST", `/admin/api/webhook-endpoints/${endpoint.id}/enable`)).status).toBe(200);
    const after = (await (await api(stack, "GET", "/admin/api/webhook-endpoints")).json()) as { endpoints: { id: string; status: string; disabledReason: unknown }[] };
    expect(after.endpoints.find((e) => e.id === endpoint.id)).toMatchObject({ status: "enabled", disabledReason: null });

    expect((await api(stack, "POST", `/admin/api/webhook-deliveries/${deliveryId}/replay`)).status).toBe(202);
    const calls = await waitFor(async () => at("/gone-once/g").length === 2 && at("/gone-once/g"), 15_000, "the replayed call");
    expect(calls[1]!.headers["webhook-id"]).toBe(calls[0]!.headers["webhook-id"]);
    expect(calls[1]!.body).toBe(calls[0]!.body);
    expect(() => new Webhook(endpoint.secret).verify(calls[1]!.body, calls[1]!.headers)).not.toThrow();
    await waitForState(deliveryId, "sent");

    // The log keeps both attempts: the 410 and the success.
    const log = (await (await api(stack, "GET", `/admin/api/webhook-endpoints/${endpoint.id}/deliveries`)).json()) as {
      deliveries: { id: number; outcome: string; messageId: string; attempts: { outcome: string; status: number | null; response: string | null }[] }[];
    };
    expect(log.deliveries).toHaveLength(1);
    expect(log.deliveries[0]).toMatchObject({ id: deliveryId, outcome: "delivered", messageId: calls[0]!.headers["webhook-id"] });
    expect(log.deliveries[0]!.attempts.map((a) => [a.outcome, a.status])).toEqual([
      ["failed", 410],
      ["succeeded", 200],
    ]);
    expect(log.deliveries[0]!.attempts[0]!.response).toBe("gone for now");
  });

  it("pages the delivery log newest first, filtered by event type and outcome", async () => {
    const endpoint = await createOk("/ok/log");
    // A signup records subscriber.created and subscriber.activated for every endpoint that wants them.
    expect((await postJson(stack, { email: uniqueEmail("log") })).status).toBe(202);
    expect((await api(stack, "POST", `/admin/api/webhook-endpoints/${endpoint.id}/test`)).status).toBe(202);
    const rows = await waitFor(async () => {
      const r = await callRows(endpoint.id);
      return r.length === 3 && r.every((x) => x.state === "sent") && r;
    }, 15_000, "three delivered calls");
    const deliveries = async (query: string) => {
      const res = await api(stack, "GET", `/admin/api/webhook-endpoints/${endpoint.id}/deliveries${query}`);
      expect(res.status, query).toBe(200);
      return (await res.json()) as { deliveries: { id: number; eventType: string; outcome: string }[]; next: number | null };
    };
    const all = await deliveries("");
    expect(all.deliveries.map((d) => d.id)).toEqual(rows.map((r) => r.id).reverse());
    expect(all.next).toBeNull();
    expect(new Set(all.deliveries.map((d) => d.eventType))).toEqual(new Set(["subscriber.created", "subscriber.activated", "webhook.test"]));

    const created = await deliveries("?eventType=subscriber.created");
    expect(created.deliveries.map((d) => d.eventType)).toEqual(["subscriber.created"]);
    expect((await deliveries("?outcome=delivered")).deliveries).toHaveLength(3);
    expect((await deliveries("?outcome=failed")).deliveries).toEqual([]);
    expect((await deliveries("?eventType=webhook.test&outcome=delivered")).deliveries.map((d) => d.eventType)).toEqual(["webhook.test"]);

    // Keyset paging: one a page, each page's `next` the cursor of the one after.
    const seen: number[] = [];
    let cursor: number | null = null;
    for (let i = 0; i < 5; i++) {
      const pageOf: Awaited<ReturnType<typeof deliveries>> = await deliveries(`?limit=1${cursor !== null ? `&before=${cursor}` : ""}`);
      seen.push(...pageOf.deliveries.map((d) => d.id));
      cursor = pageOf.next;
      if (cursor === null) break;
    }
    expect(seen).toEqual(all.deliveries.map((d) => d.id));

    for (const [query, field] of [["?outcome=weird", "outcome"], ["?eventType=nope", "eventType"], ["?limit=0", "limit"], ["?before=abc", "before"]] as const) {
      const res = await api(stack, "GET", `/admin/api/webhook-endpoints/${endpoint.id}/deliveries${query}`);
      expect(res.status, query).toBe(400);
      expect(((await res.json()) as { error: { field: string } }).error.field, query).toBe(field);
    }
    expect((await api(stack, "GET", "/admin/api/webhook-endpoints/00000000-0000-4000-8000-000000000000/deliveries")).status).toBe(404);
  });

  it("replays every failed or cancelled call created since T, and nothing older", async () => {
    const endpoint = await createOk("/ok/since", { events: ["guide.downloaded"] });
    const ids: number[] = [];
    for (let i = 0; i < 3; i++) {
      ids.push(((await (await api(stack, "POST", `/admin/api/webhook-endpoints/${endpoint.id}/test`)).json()) as { deliveryId: number }).deliveryId);
    }
    await waitFor(async () => (await callRows(endpoint.id)).every((r) => r.state === "sent") && at("/ok/since").length === 3, 15_000, "three sent calls");
    // As the log would hold them after a bad week: one failure from before T, one after, one cancelled after.
    const sql = stack.deps.db.sql;
    await sql`update deliveries set state = 'failed', last_error = 'HTTP 500', created_at = now() - interval '2 hours' where id = ${ids[0]!}`;
    await sql`update deliveries set state = 'failed', last_error = 'HTTP 500' where id = ${ids[1]!}`;
    await sql`update deliveries set state = 'cancelled' where id = ${ids[2]!}`;

    const since = new Date(Date.now() - 3600_000).toISOString();
    const res = await api(stack, "POST", `/admin/api/webhook-endpoints/${endpoint.id}/replay-failures`, { since });
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ replayed: 2 });
    const calls = await waitFor(async () => at("/ok/since").length === 5 && at("/ok/since"), 15_000, "the two replayed calls");
    const rows = await callRows(endpoint.id);
    const byId = new Map(rows.map((r) => [r.id, r]));
    expect(new Set(calls.slice(3).map((c) => c.headers["webhook-id"]))).toEqual(new Set([byId.get(ids[1]!)!.messageId, byId.get(ids[2]!)!.messageId]));
    await waitForState(ids[1]!, "sent");
    await waitForState(ids[2]!, "sent");
    expect(await rowState(ids[0]!)).toBe("failed");

    const bad = await api(stack, "POST", `/admin/api/webhook-endpoints/${endpoint.id}/replay-failures`, { since: "yesterday" });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { field: string } }).error.field).toBe("since");
  });

  it("the page lists the endpoints and says prominently why one is disabled; its log shows each attempt as text", async () => {
    const endpoint = await createOk("/gone-always/page", { description: "n8n on the LAN" });
    const { deliveryId } = (await (await api(stack, "POST", `/admin/api/webhook-endpoints/${endpoint.id}/test`)).json()) as { deliveryId: number };
    await waitForState(deliveryId, "failed");

    const res = await page("/admin/webhooks");
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(res.headers.get("content-security-policy")).toContain("script-src 'self'");
    const html = await res.text();
    expect(html).toContain('<a href="/admin/webhooks" aria-current="page">Webhooks</a>');
    const card = html.slice(html.indexOf(`data-id="${endpoint.id}"`));
    expect(card).toMatch(/^[^]*?<span class="status disabled">disabled<\/span>[^]*?class="alert disabled-reason"[^]*?the receiver answered 410 Gone/);
    expect(html).toContain(`${base}/gone-always/page`);
    expect(html).toContain("n8n on the LAN");
    expect(html).not.toContain(endpoint.secret);
    // Every event, with what it means, in the form that adds one.
    expect(html).toContain('value="subscriber.unsubscribed"');
    expect(html).toContain("A reader left (the one-click link, the unsubscribe page, or an admin).");
    expect(html).not.toContain('value="webhook.test"');

    const log = await (await page(`/admin/webhooks/${endpoint.id}`)).text();
    expect(log).toContain("the receiver answered 410 Gone");
    expect(log).toMatch(/<tr data-id="\d+">[^]*?webhook\.test[^]*?HTTP 410/);
    expect(log).toContain("&lt;script&gt;alert(&#39;gone&#39;)&lt;/script&gt; we moved");
    expect(log).not.toContain("<script>alert(");
    const filtered = await (await page(`/admin/webhooks/${endpoint.id}?outcome=delivered`)).text();
    expect(filtered).not.toMatch(/<tr data-id=/);
    expect(filtered).toContain("No calls match these filters.");
    expect((await page(`/admin/webhooks/${endpoint.id}?outcome=nope`)).status).toBe(400);
    expect((await page("/admin/webhooks/not-a-uuid")).status).toBe(404);
  });

  it("the page's forms: add (the secret shown once), rotate, test, enable, replay and delete, from our own pages only", async () => {
    const add = await form("/admin/webhooks", [
      ["url", `${base}/ok/form`],
      ["scope", "some"],
      ["events", "guide.downloaded"],
      ["events", "subscriber.bounced"],
      ["description", "Zapier"],
    ]);
    expect(add.status).toBe(201);
    expect(add.headers.get("cache-control")).toBe("no-store");
    const added = await add.text();
    const secret = /<code id="new-secret">(whsec_[^<]+)<\/code>/.exec(added)?.[1];
    expect(secret).toBeDefined();
    expect(added).toContain("Copy it now");
    const [row] = await stack.deps.db.sql<{ id: string; events: string[]; secret: string }[]>`
      select id, events, secret from webhook_endpoints where url = ${`${base}/ok/form`}`;
    expect(row!.events).toEqual(["guide.downloaded", "subscriber.bounced"]);
    expect(row!.secret).toMatch(/^sealed:v1:/);
    expect(stack.deps.webhooks.secrets.open(row!.secret)).toBe(secret);
    expect(await (await page("/admin/webhooks")).text()).not.toContain(secret!);

    const refused = await form("/admin/webhooks", [["url", "ftp://example.com/"], ["scope", "all"]]);
    expect(refused.status).toBe(400);
    const refusedHtml = await refused.text();
    expect(refusedHtml).toMatch(/id="url-error" class="error">url must use https or http/);
    expect(refusedHtml).toContain('value="ftp://example.com/"');
    // A body that cannot be read as a form (multipart without its boundary) is a 400 too, never a 500.
    const unreadable = await stack.app.request("/admin/webhooks", {
      method: "POST",
      headers: { cookie, origin: ORIGIN, "content-type": "multipart/form-data" },
      body: "url=x",
    });
    expect(unreadable.status).toBe(400);
    const noneTicked = await form("/admin/webhooks", [["url", `${base}/ok/none`], ["scope", "some"]]);
    expect(noneTicked.status).toBe(400);
    expect(await noneTicked.text()).toContain('id="events-error"');

    const rotated = await form(`/admin/webhooks/${row!.id}/rotate-secret`, []);
    expect(rotated.status).toBe(200);
    const rotatedHtml = await rotated.text();
    const newSecret = /<code id="new-secret">(whsec_[^<]+)<\/code>/.exec(rotatedHtml)?.[1];
    expect(newSecret).toBeDefined();
    expect(newSecret).not.toBe(secret);
    expect(rotatedHtml).toContain("The old secret keeps signing every call too until");

    const tested = await form(`/admin/webhooks/${row!.id}/test`, []);
    expect(tested.status).toBe(303);
    expect(tested.headers.get("location")).toBe(`/admin/webhooks/${row!.id}?done=test&ok=1`);
    const [call] = await waitFor(async () => at("/ok/form").length > 0 && at("/ok/form"), 15_000, "the page's test call");
    expect(() => new Webhook(newSecret!).verify(call!.body, call!.headers)).not.toThrow();
    const [delivery] = await waitFor(async () => {
      const r = await callRows(row!.id);
      return r.length === 1 && r[0]!.state === "sent" && r;
    }, 15_000, "the page's test call sent");
    const replayed = await form(`/admin/webhook-deliveries/${delivery!.id}/replay`, []);
    expect(replayed.headers.get("location")).toBe(`/admin/webhooks/${row!.id}?done=replay&ok=1`);
    await waitFor(async () => at("/ok/form").length === 2, 15_000, "the page's replay");
    expect(at("/ok/form")[1]!.headers["webhook-id"]).toBe(call!.headers["webhook-id"]);
    const replayFailures = await form(`/admin/webhooks/${row!.id}/replay-failures`, [["since", "2020-01-01T00:00"]]);
    expect(replayFailures.headers.get("location")).toBe(`/admin/webhooks/${row!.id}?done=replay-failures&ok=1&n=0`);
    expect((await form(`/admin/webhooks/${row!.id}/replay-failures`, [["since", "soon"]])).status).toBe(400);

    // CSRF: a POST with the session but from another site (or none said) is refused.
    expect((await form(`/admin/webhooks/${row!.id}/enable`, [], { origin: "https://evil.example" })).status).toBe(403);
    expect((await form(`/admin/webhooks/${row!.id}/delete`, [["confirm", "yes"]], {})).status).toBe(403);
    expect((await form(`/admin/webhooks/${row!.id}/enable`, [])).headers.get("location")).toBe(`/admin/webhooks/${row!.id}?done=enable&ok=1`);

    expect((await form(`/admin/webhooks/${row!.id}/delete`, [])).status).toBe(400); // the box not ticked
    const deleted = await form(`/admin/webhooks/${row!.id}/delete`, [["confirm", "yes"]]);
    expect(deleted.headers.get("location")).toBe("/admin/webhooks?done=delete&ok=1");
    expect(await stack.deps.db.sql`select 1 from webhook_endpoints where id = ${row!.id}`).toHaveLength(0);
    expect(await (await page("/admin/webhooks?done=delete&ok=1")).text()).toContain("Endpoint deleted, with its delivery log.");
  });

  it("records every action in the audit, never a secret", async () => {
    const audit = await stack.deps.db.sql<{ action: string; actor: string; detail: Record<string, unknown> }[]>`
      select action, actor, detail from admin_audit where action like 'webhook_endpoint.%' order by id`;
    const actions = new Set(audit.map((a) => a.action));
    for (const action of ["create", "delete", "rotate_secret", "enable", "test", "replay", "replay_failures"]) {
      expect(actions, action).toContain(`webhook_endpoint.${action}`);
    }
    expect(new Set(audit.map((a) => a.actor))).toEqual(new Set(["admin (bearer)", "admin (session)"]));
    const secrets = await stack.deps.db.sql<{ s: string }[]>`
      select secret as s from webhook_endpoints union all select previous_secret from webhook_endpoints where previous_secret is not null`;
    expect(secrets.length).toBeGreaterThan(0);
    const written = JSON.stringify(audit) + stack.logs.join("");
    for (const { s } of secrets) expect(written).not.toContain(s);
    expect(written).not.toContain("whsec_");
  });
});
