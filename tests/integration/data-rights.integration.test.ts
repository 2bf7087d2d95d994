import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { emailHash } from "../../src/campaign/email-hash.js";
import { signToken } from "../../src/tokens.js";
import { createStack, postJson, TEST_SECRET, uniqueEmail, waitFor, waitForQuiet, type TestStack } from "../support/stack.js";
import { postSignedEvent, resendEvent, TEST_WEBHOOK_SECRET } from "../support/svix.js";
import { BROWSER_UA, waitSettled } from "../support/signals.js";

const ADMIN_TOKEN = "data-rights-admin-token-0123456789";
const bearer = { authorization: `Bearer ${ADMIN_TOKEN}` };

function admin(stack: TestStack, path: string, init: { method?: string; body?: unknown; headers?: Record<string, string> } = {}) {
  return stack.app.request(path, {
    method: init.method ?? "GET",
    headers: { ...bearer, ...(init.body !== undefined ? { "content-type": "application/json" } : {}), ...init.headers },
    ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
  });
}

type Export = {
  email: string;
  suppressed: boolean;
  subscriber: Record<string, unknown> | null;
  consents: Record<string, unknown>[];
  enrollments: Record<string, unknown>[];
  deliveries: Record<string, unknown>[];
  events: Record<string, unknown>[];
  guideDownloads: Record<string, unknown>[];
  linkVisits: Record<string, unknown>[];
};

describe("data rights: export and erase one address (admin API)", () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await createStack({
      env: { ADMIN_TOKEN, RESEND_WEBHOOK_SECRET: TEST_WEBHOOK_SECRET, TRUST_PROXY: "true" },
    });
    await stack.startWorkers();
  });
  afterAll(() => stack.close());

  /** A reader with a welcome sent, a delivered and a clicked event, and a guide download. */
  let readers = 0;
  async function richReader(label: string) {
    const email = uniqueEmail(label);
    const ip = `198.51.100.${200 + ++readers}`;
    const userAgent = `${BROWSER_UA} ReaderBrowser-${label}/9`;
    await postJson(stack, { email, firstName: "Ana", timezone: "Europe/Lisbon", utm_source: "blog" }, {
      "x-forwarded-for": ip,
      "user-agent": userAgent,
    });
    await stack.fake!.waitFor((f) => f.acceptedTo(email).length === 1, 10_000);
    const messageId = stack.fake!.acceptedTo(email)[0]!.id;
    const id = (await stack.deps.db.sql<{ id: string }[]>`select id from subscribers where email = ${email}`)[0]!.id;
    await waitFor(async () => (await stack.deps.db.sql`select 1 from deliveries where provider_message_id = ${messageId}`).length === 1);
    for (const [type, extra] of [
      ["email.delivered", {}],
      ["email.clicked", { click: { ipAddress: ip, link: "http://guide.test/guide/x", timestamp: "", userAgent } }],
    ] as const) {
      expect((await postSignedEvent(stack, resendEvent(type, messageId, { to: [email], ...extra }))).status).toBe(200);
    }
    await waitFor(async () => (await stack.deps.db.sql`select 1 from email_events where subscriber_id = ${id} and processed_at is not null`).length === 2);
    const guideUrl = /http:\/\/guide\.test(\/guide\/[A-Za-z0-9_.-]+)/.exec(stack.fake!.acceptedTo(email)[0]!.html ?? "")![1]!;
    // The reader opens the welcome a minute after it arrived (a person's download, src/signals/).
    await stack.deps.db.sql`update deliveries set sent_at = sent_at - interval '1 minute' where provider_message_id = ${messageId}`;
    expect((await stack.app.request(guideUrl, { headers: { "user-agent": userAgent, "x-forwarded-for": ip } })).status).toBe(200);
    await waitSettled(stack, id);
    return { email, id, ip, userAgent };
  }

  it("is closed without the right Bearer token", async () => {
    const path = "/admin/api/subscribers/export?email=a@example.com";
    expect((await stack.app.request(path)).status).toBe(401);
    expect((await stack.app.request(path, { headers: { authorization: "Bearer wrong-token-wrong-token" } })).status).toBe(401);
    expect((await stack.app.request(path, { headers: { authorization: `Basic ${ADMIN_TOKEN}` } })).status).toBe(401);
    const erase = await stack.app.request("/admin/api/subscribers/erase", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: "a@example.com" }),
    });
    expect(erase.status).toBe(401);
  });

  it("exports everything held about one address, in any spelling", async () => {
    const reader = await richReader("export");
    const res = await admin(stack, `/admin/api/subscribers/export?email=${encodeURIComponent(` ${reader.email.toUpperCase()} `)}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
    const data = (await res.json()) as Export;
    expect(data.email).toBe(reader.email);
    expect(data.suppressed).toBe(false);
    expect(data.subscriber).toMatchObject({ id: reader.id, email: reader.email, first_name: "Ana", timezone: "Europe/Lisbon", utm_source: "blog", status: "active" });
    expect(data.consents).toEqual([expect.objectContaining({ kind: "signup", ip: reader.ip, user_agent: reader.userAgent })]);
    expect(data.enrollments).toHaveLength(1);
    expect(data.deliveries.map((d) => d.step)).toContain("welcome");
    expect(data.events.map((e) => e.type).sort()).toEqual(["email.clicked", "email.delivered"]);
    expect(data.guideDownloads).toHaveLength(1);
    expect(data.linkVisits).toEqual([expect.objectContaining({ link: "guide", ip: reader.ip, user_agent: reader.userAgent, automated: null })]);

    const unknown = await admin(stack, "/admin/api/subscribers/export?email=nobody-here@example.com");
    expect(unknown.status).toBe(404);
    const invalid = await admin(stack, "/admin/api/subscribers/export?email=not-an-address");
    expect(invalid.status).toBe(400);
    expect(await invalid.json()).toMatchObject({ error: { code: "invalid_input", field: "email" } });
  });

  it("erases the person and keeps every count the stats are made of", async () => {
    const reader = await richReader("erase");
    const counts = async () => ({
      subscribers: await stack.deps.db.sql`
        select status, created_at::date as day, utm_source, count(*)::int as n from subscribers group by 1, 2, 3 order by 1, 2, 3`,
      deliveries: await stack.deps.db.sql`select step, state, count(*)::int as n from deliveries group by 1, 2 order by 1, 2`,
      events: await stack.deps.db.sql`
        select e.type, d.step, count(*)::int as n from email_events e left join deliveries d on d.id = e.delivery_id
         group by 1, 2 order by 1, 2`,
      downloads: await stack.deps.db.sql`select count(*)::int as n, count(distinct subscriber_id)::int as people from guide_downloads`,
    });
    // The reader leaves first (the erasure would stop the sequence just the same): what is
    // compared is then exactly what the erasure itself does to the numbers.
    const unsubscribe = `/unsubscribe/${signToken(TEST_SECRET, "unsubscribe", reader.id, null)}`;
    expect((await stack.app.request(unsubscribe, { method: "POST", body: "List-Unsubscribe=One-Click" })).status).toBe(200);
    const before = await counts();

    const res = await admin(stack, "/admin/api/subscribers/erase", { method: "POST", body: { email: reader.email } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ erased: true, suppressed: false });

    expect(await counts()).toEqual(before);
    const [row] = await stack.deps.db.sql<Record<string, unknown>[]>`select * from subscribers where id = ${reader.id}`;
    expect(row).toMatchObject({ first_name: null, timezone: null, status: "unsubscribed" });
    expect(String(row!.email)).toMatch(/^erased-.+@erased\.invalid$/);
    expect(row!.erased_at).not.toBeNull();
    // Nothing anywhere still holds the address, the IP or the user agent.
    for (const table of ["subscribers", "consents", "deliveries", "email_events", "guide_downloads", "link_visits", "outbox_emails"]) {
      const hits = await stack.deps.db.sql.unsafe(
        `select 1 from ${table} t where t::text ilike $1 or t::text ilike $2 or t::text ilike $3`,
        [`%${reader.email}%`, `%${reader.ip}%`, `%${reader.userAgent}%`],
      );
      expect(hits, table).toHaveLength(0);
    }
    const events = await stack.deps.db.sql<{ type: string; url: string | null; payload: Record<string, unknown> }[]>`
      select type, url, payload from email_events where subscriber_id = ${reader.id} order by id`;
    expect(events.map((e) => e.type)).toEqual(["email.delivered", "email.clicked"]);
    expect(events[1]!.url).toBe("http://guide.test/guide/x");
    expect(events[1]!.payload).toMatchObject({ anonymised: true, data: { click: { link: "http://guide.test/guide/x" } } });

    expect((await admin(stack, `/admin/api/subscribers/export?email=${reader.email}`)).status).toBe(404);
    // The unsubscribe link still answers, with nothing personal and no undo.
    const page = await stack.app.request(`/unsubscribe/${signToken(TEST_SECRET, "unsubscribe", reader.id, null)}`);
    expect(page.status).toBe(200);
    expect(await page.text()).not.toContain("Resubscribe");
    // An event arriving after the erasure is stripped too.
    const messageId = (await stack.deps.db.sql<{ provider_message_id: string }[]>`
      select provider_message_id from deliveries where subscriber_id = ${reader.id} and step = 'welcome'`)[0]!.provider_message_id;
    expect((await postSignedEvent(stack, resendEvent("email.opened", messageId, { to: [reader.email] }), { id: "msg_after_erase" })).status).toBe(200);
    const late = await waitFor(async () => {
      const [e] = await stack.deps.db.sql<{ processed_at: Date | null; payload: unknown }[]>`
        select processed_at, payload from email_events where provider_event_id = 'msg_after_erase'`;
      return e?.processed_at ? e : undefined;
    });
    expect(JSON.stringify(late.payload)).not.toContain(reader.email);

    // Without suppression the address may sign up again, as a new person.
    expect((await postJson(stack, { email: reader.email })).status).toBe(202);
    await stack.fake!.waitFor((f) => f.acceptedTo(reader.email).length === 2, 10_000);
  });

  it("erase with suppress: later signups are answered as usual and store nothing; an admin can lift it", async () => {
    const reader = await richReader("suppress");
    const res = await admin(stack, "/admin/api/subscribers/erase", { method: "POST", body: { email: reader.email, suppress: true } });
    expect(await res.json()).toEqual({ erased: true, suppressed: true });
    // Erasing an active reader stops the sequence at once, like leaving.
    const pending = await stack.deps.db.sql`
      select 1 from deliveries where subscriber_id = ${reader.id} and state in ('scheduled', 'sending')`;
    expect(pending).toHaveLength(0);
    const [hash] = await stack.deps.db.sql<{ email_hash: string }[]>`select email_hash from email_suppressions`;
    expect(hash!.email_hash).toBe(emailHash(reader.email));

    const again = await postJson(stack, { email: reader.email.toUpperCase() });
    expect(again.status).toBe(202);
    expect(await again.json()).toEqual({ status: "ok" });
    await waitForQuiet(stack);
    expect(await stack.deps.db.sql`select 1 from subscribers where email = ${reader.email}`).toHaveLength(0);
    expect(stack.fake!.acceptedTo(reader.email)).toHaveLength(1);

    const exported = (await (await admin(stack, `/admin/api/subscribers/export?email=${reader.email}`)).json()) as Export;
    expect(exported).toMatchObject({ suppressed: true, subscriber: null });

    const lift = await admin(stack, "/admin/api/subscribers/lift-suppression", { method: "POST", body: { email: reader.email } });
    expect(await lift.json()).toEqual({ lifted: true });
    expect((await postJson(stack, { email: reader.email })).status).toBe(202);
    await stack.fake!.waitFor((f) => f.acceptedTo(reader.email).length === 2, 10_000);
  });

  it("an unknown address can be suppressed; bad input is a 4xx", async () => {
    const email = uniqueEmail("never");
    const res = await admin(stack, "/admin/api/subscribers/erase", { method: "POST", body: { email, suppress: true } });
    expect(await res.json()).toEqual({ erased: false, suppressed: true });
    await postJson(stack, { email });
    expect(await stack.deps.db.sql`select 1 from subscribers where email = ${email}`).toHaveLength(0);

    expect((await admin(stack, "/admin/api/subscribers/erase", { method: "POST", body: { email: "nope" } })).status).toBe(400);
    expect((await admin(stack, "/admin/api/subscribers/erase", { method: "POST", body: { email, suppress: "yes" } })).status).toBe(400);
    const notJson = await stack.app.request("/admin/api/subscribers/erase", {
      method: "POST",
      headers: { ...bearer, "content-type": "application/json" },
      body: "{",
    });
    expect(notJson.status).toBe(400);
    const form = await stack.app.request("/admin/api/subscribers/erase", {
      method: "POST",
      headers: { ...bearer, "content-type": "text/plain" },
      body: "x",
    });
    expect(form.status).toBe(415);
  });

  it("lifting a bounce lets the address opt in again, by confirming", async () => {
    const email = uniqueEmail("lift");
    await postJson(stack, { email });
    await stack.fake!.waitFor((f) => f.acceptedTo(email).length === 1, 10_000);
    await stack.deps.db.sql`update subscribers set status = 'bounced', left_at = now() where email = ${email}`;
    expect((await postJson(stack, { email })).status).toBe(202);
    await waitForQuiet(stack);
    expect(stack.fake!.acceptedTo(email)).toHaveLength(1);

    expect(await (await admin(stack, "/admin/api/subscribers/lift-suppression", { method: "POST", body: { email } })).json()).toEqual({ lifted: true });
    expect((await postJson(stack, { email })).status).toBe(202);
    await stack.fake!.waitFor((f) => f.acceptedTo(email).length === 2, 10_000);
    expect(stack.fake!.acceptedTo(email)[1]!.tags).toEqual([{ name: "step", value: "confirm" }]);
  });
});

describe("data rights with the outbox transport", () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await createStack({ transport: "outbox", env: { ADMIN_TOKEN } });
    await stack.startWorkers();
  });
  afterAll(() => stack.close());

  it("erasing removes the outbox's copies of the emails", async () => {
    const email = uniqueEmail("outbox");
    await postJson(stack, { email, firstName: "Bea" });
    await waitFor(async () => (await stack.deps.db.sql`select 1 from outbox_emails where "to" = ${email}`).length === 1, 10_000);
    const exported = (await (await admin(stack, `/admin/api/subscribers/export?email=${email}`)).json()) as Record<string, unknown[]>;
    expect(exported.outboxEmails).toHaveLength(1);
    await admin(stack, "/admin/api/subscribers/erase", { method: "POST", body: { email } });
    expect(await stack.deps.db.sql`select 1 from outbox_emails where "to" = ${email}`).toHaveLength(0);
  });
});

describe("the admin API without ADMIN_TOKEN", () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await createStack({ transport: "outbox" });
  });
  afterAll(() => stack.close());

  it("is closed", async () => {
    const res = await stack.app.request("/admin/api/subscribers/export?email=a@example.com", { headers: bearer });
    expect(res.status).toBe(401);
  });
});
