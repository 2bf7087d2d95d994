import { afterEach, describe, expect, it } from "vitest";
import { newWebhookSecret } from "../../src/notify/signing.js";
import { forgetOldWebhookLog } from "../../src/db/queries/webhook-calls.js";
import { finishDeliveries } from "../../src/db/queries/deliveries.js";
import { signToken } from "../../src/tokens.js";
import { deliveryJobId } from "../../src/queue/jobs.js";
import { createStack, postJson, TEST_SECRET, uniqueEmail, waitFor, type StackOptions, type TestStack } from "../support/stack.js";
import { postSignedEvent, resendEvent, TEST_WEBHOOK_SECRET } from "../support/svix.js";
import { startWebhookReceiver, type ReceivedCall, type WebhookReceiver } from "../support/webhook-receiver.js";
import { BROWSER_UA, openActionLink } from "../support/signals.js";

/**
 * Outgoing webhooks end to end (issue 16): the service's own triggers record each event, the one
 * pipeline sends it through the address-checked client, and a receiver on loopback verifies every
 * signature with the `standardwebhooks` package's own `verify`.
 */
const ADMIN_TOKEN = "admin-token-for-outgoing-webhook-tests";
// A campaign day lasts 0.1 s: the whole sequence completes within a couple of seconds.
const FAST = "864000";

let stack: TestStack | undefined;
let receivers: WebhookReceiver[] = [];
afterEach(async () => {
  await stack?.close();
  await Promise.all(receivers.map((r) => r.close()));
  stack = undefined;
  receivers = [];
});

async function start(options: StackOptions = {}): Promise<TestStack> {
  stack = await createStack({
    ...options,
    env: { RESEND_WEBHOOK_SECRET: TEST_WEBHOOK_SECRET, ADMIN_TOKEN, WEBHOOK_ALLOW_PRIVATE_URLS: "true", ...options.env },
  });
  await stack.startWorkers();
  return stack;
}

/** A receiver and its endpoint (written as the admin API writes it: the secret sealed). */
async function receiverFor(s: TestStack, options: { events?: string[]; url?: (r: WebhookReceiver) => string } = {}) {
  const receiver = await startWebhookReceiver();
  receivers.push(receiver);
  receiver.secret = newWebhookSecret();
  const url = options.url ? options.url(receiver) : receiver.url;
  const [row] = await s.deps.db.sql<{ id: string }[]>`
    insert into webhook_endpoints (url, secret, events) values (${url}, ${s.deps.webhooks.secrets.seal(receiver.secret)}, ${options.events ?? null})
    returning id`;
  return { receiver, endpointId: row!.id };
}

async function signUp(s: TestStack, label: string, extra: Record<string, string> = {}) {
  const email = uniqueEmail(label);
  expect((await postJson(s, { email, ...extra })).status).toBe(202);
  const [row] = await s.deps.db.sql<{ id: string }[]>`select id from subscribers where email = ${email}`;
  return { email, id: row!.id };
}

/** The welcome's provider id, once the send is recorded (to aim a bounce or a complaint at it). */
async function welcomeId(s: TestStack, subscriberId: string): Promise<string> {
  return waitFor(async () => {
    const [row] = await s.deps.db.sql<{ id: string | null }[]>`
      select provider_message_id as id from deliveries where subscriber_id = ${subscriberId} and step = 'welcome' and state = 'sent'`;
    return row?.id ?? undefined;
  }, 10_000, "the welcome to be sent");
}

/**
 * The retry a failed first attempt scheduled: how long after that attempt it is due (as recorded,
 * not as waited for). Then that time passes — the row made due and its delayed job promoted — so
 * the test need not wait out the schedule in real time.
 */
async function scheduledRetry(s: TestStack): Promise<number> {
  const retry = await waitFor(async () => {
    const [row] = await s.deps.db.sql<{ id: number; after: number }[]>`
      select d.id, (extract(epoch from d.due_at - a.attempted_at) * 1000)::int as after
        from deliveries d join webhook_attempts a on a.delivery_id = d.id
       where d.kind = 'webhook' and d.state = 'scheduled' and a.attempt = 1`;
    return row;
  }, 10_000, "the first attempt's retry scheduled");
  const job = await s.deps.queues.webhooks.getJob(deliveryJobId(retry.id));
  await waitFor(async () => (await job!.getState()) === "delayed", 5_000, "the call's job delayed until the retry");
  await s.deps.db.sql`update deliveries set due_at = now() where id = ${retry.id}`;
  await job!.promote();
  return retry.after;
}

const ofType = (calls: ReceivedCall[], type: string, subscriberId?: string) =>
  calls.filter((c) => c.type === type && (!subscriberId || (c.payload.data.subscriber as { id: string }).id === subscriberId));

describe("outgoing webhooks", () => {
  it("every event type arrives, signed, once, with the subscriber's fields; erasing scrubs the log", async () => {
    const s = await start({ env: { SEQUENCE_TIME_SCALE: FAST } });
    const { receiver } = await receiverFor(s);

    const reader = await signUp(s, "wh-all", { firstName: "Ana", source: "article", utm_source: "clinic-blog", utm_medium: "article", utm_campaign: "sciatica" });
    // A person's download (a browser's GET): guide.downloaded once it settles. A mail filter's
    // fetch of the same link before it (a HEAD) tells nothing.
    const guidePath = `/guide/${signToken(TEST_SECRET, "guide", reader.id, new Date(Date.now() + 86_400_000))}`;
    expect((await s.app.request(guidePath, { method: "HEAD" })).status).toBe(200);
    const guide = await s.app.request(guidePath, { headers: { "user-agent": BROWSER_UA } });
    expect(guide.status).toBe(200);
    await receiver.waitFor((calls) => ofType(calls, "guide.downloaded", reader.id).length === 1, 20_000, "guide.downloaded");
    await receiver.waitFor((calls) => ofType(calls, "sequence.completed", reader.id).length === 1, 20_000, "sequence.completed");
    const unsubscribe = await s.app.request(`/unsubscribe/${signToken(TEST_SECRET, "unsubscribe", reader.id, null)}`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "List-Unsubscribe=One-Click",
    });
    expect(unsubscribe.status).toBe(200);

    const bouncer = await signUp(s, "wh-bounce");
    const bounce = resendEvent("email.bounced", await welcomeId(s, bouncer.id), { bounce: { message: "550 user unknown", subType: "General", type: "Permanent" } });
    expect((await postSignedEvent(s, bounce, { id: "msg_wh_bounce" })).status).toBe(200);
    const complainer = await signUp(s, "wh-complaint");
    expect((await postSignedEvent(s, resendEvent("email.complained", await welcomeId(s, complainer.id)), { id: "msg_wh_complaint" })).status).toBe(200);
    await receiver.waitFor((calls) => ofType(calls, "subscriber.unsubscribed", reader.id).length === 1, 10_000, "subscriber.unsubscribed");

    // What the webhooks told about the person is part of what is held about them (data rights).
    const exported = (await (
      await s.app.request(`/admin/api/subscribers/export?email=${encodeURIComponent(reader.email)}`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })
    ).json()) as { webhookEvents: { type: string }[] };
    expect(exported.webhookEvents.map((e) => e.type)).toEqual(
      expect.arrayContaining(["subscriber.created", "subscriber.activated", "guide.downloaded", "sequence.completed", "subscriber.unsubscribed"]),
    );

    const erase = await s.app.request("/admin/api/subscribers/erase", {
      method: "POST",
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify({ email: reader.email }),
    });
    expect(erase.status).toBe(200);

    const expected: [string, string][] = [
      ["subscriber.created", reader.id],
      ["subscriber.activated", reader.id],
      ["guide.downloaded", reader.id],
      ["sequence.completed", reader.id],
      ["subscriber.unsubscribed", reader.id],
      ["subscriber.bounced", bouncer.id],
      ["subscriber.complained", complainer.id],
      ["subscriber.erased", reader.id],
    ];
    await receiver.waitFor((calls) => expected.every(([type, id]) => ofType(calls, type, id).length >= 1), 15_000, "every event type");

    // Signed (verified by the standardwebhooks package), one request per event, none twice.
    expect(receiver.calls.every((c) => c.verified)).toBe(true);
    expect(new Set(receiver.calls.map((c) => c.webhookId)).size).toBe(receiver.calls.length);
    for (const [type, id] of expected) expect(ofType(receiver.calls, type, id), type).toHaveLength(1);
    for (const call of receiver.calls) {
      expect(call.headers["content-type"]).toBe("application/json");
      expect(call.webhookId).toMatch(/^msg_[0-9a-f]{32}$/);
      expect(Object.keys(call.payload).sort()).toEqual(["data", "timestamp", "type"]);
      expect(Buffer.byteLength(call.body)).toBeLessThan(20_000);
    }
    const created = ofType(receiver.calls, "subscriber.created", reader.id)[0]!.payload.data.subscriber;
    expect(created).toMatchObject({
      id: reader.id,
      email: reader.email,
      firstName: "Ana",
      status: "active",
      source: "article",
      utm_source: "clinic-blog",
      utm_medium: "article",
      utm_campaign: "sciatica",
    });
    expect(new Date((created as { createdAt: string }).createdAt).getTime()).not.toBeNaN();
    expect(ofType(receiver.calls, "subscriber.unsubscribed", reader.id)[0]!.payload.data.subscriber).toMatchObject({ status: "unsubscribed" });
    // Erased: the id only, and the log keeps nothing else about the person.
    expect(ofType(receiver.calls, "subscriber.erased", reader.id)[0]!.payload.data).toEqual({ subscriber: { id: reader.id } });
    const logged = await s.deps.db.sql<{ payload: unknown }[]>`select payload from webhook_events where subscriber_id = ${reader.id}`;
    expect(logged.length).toBeGreaterThanOrEqual(6);
    expect(JSON.stringify(logged)).not.toContain(reader.email);
    expect(JSON.stringify(logged)).not.toContain("Ana");
  }, 60_000);

  it("under double opt-in: created (pending) at signup, activated at confirmation", async () => {
    const s = await start({ env: { DOUBLE_OPT_IN: "true" } });
    const { receiver } = await receiverFor(s);
    const reader = await signUp(s, "wh-doi");
    await receiver.waitFor((calls) => ofType(calls, "subscriber.created", reader.id).length === 1);
    expect(ofType(receiver.calls, "subscriber.created", reader.id)[0]!.payload.data.subscriber).toMatchObject({ status: "pending" });
    expect(ofType(receiver.calls, "subscriber.activated", reader.id)).toHaveLength(0);
    const { answer: confirm } = await openActionLink(s, `/confirm/${signToken(TEST_SECRET, "confirm", reader.id, new Date(Date.now() + 86_400_000))}`);
    expect(confirm.status).toBeLessThan(400);
    await receiver.waitFor((calls) => ofType(calls, "subscriber.activated", reader.id).length === 1);
  }, 30_000);

  it("only the event types an endpoint asked for; with no endpoint, nothing is recorded", async () => {
    const s = await start();
    const quiet = await signUp(s, "wh-none");
    const { receiver } = await receiverFor(s, { events: ["subscriber.unsubscribed"] });
    const reader = await signUp(s, "wh-filter");
    const [counted] = await s.deps.db.sql<{ n: number }[]>`select count(*)::int as n from webhook_events`;
    expect(counted!.n).toBe(0);
    const res = await s.app.request(`/unsubscribe/${signToken(TEST_SECRET, "unsubscribe", reader.id, null)}`, { method: "POST" });
    expect(res.status).toBe(200);
    await receiver.waitFor((calls) => calls.length === 1);
    expect(receiver.calls[0]!.type).toBe("subscriber.unsubscribed");
    const events = await s.deps.db.sql<{ subscriber_id: string }[]>`select subscriber_id from webhook_events`;
    expect(events.map((e) => e.subscriber_id)).toEqual([reader.id]);
    expect(events.map((e) => e.subscriber_id)).not.toContain(quiet.id);
  }, 30_000);

  it("a receiver that fails the first attempt gets the retry under the same webhook-id and body, 5 s later", async () => {
    const s = await start();
    const { receiver } = await receiverFor(s, { events: ["subscriber.created"] });
    receiver.answer = (_call, nth) => (nth === 1 ? { status: 500, body: "CRM restarting" } : { status: 200, body: "ok" });
    await signUp(s, "wh-retry");
    // Svix's schedule: the first retry 5 s after, ±10 %.
    const after = await scheduledRetry(s);
    expect(after).toBeGreaterThanOrEqual(4_400);
    expect(after).toBeLessThanOrEqual(5_600);
    await receiver.waitFor((calls) => calls.length === 2, 10_000, "the retry");
    const [first, second] = receiver.calls as [ReceivedCall, ReceivedCall];
    expect(second.webhookId).toBe(first.webhookId);
    expect(second.body).toBe(first.body);
    expect(first.verified && second.verified).toBe(true);
    const log = await waitFor(async () => {
      const rows = await s.deps.db.sql<{ attempt: number; outcome: string; status: number; response: string }[]>`
        select attempt, outcome, status, response from webhook_attempts order by id`;
      return rows.length === 2 ? rows : undefined;
    }, 5_000, "both attempts logged");
    expect(log).toMatchObject([
      { attempt: 1, outcome: "failed", status: 500, response: "CRM restarting" },
      { attempt: 2, outcome: "succeeded", status: 200, response: "ok" },
    ]);
    const [call] = await waitFor(async () => {
      const rows = await s.deps.db.sql<{ id: number; lease: string }[]>`select id, lease from deliveries where kind = 'webhook' and state = 'sent'`;
      return rows.length === 1 ? rows : undefined;
    }, 5_000, "the call recorded as sent");
    // The success ended the endpoint's failing streak that the first attempt started.
    const [endpoint] = await s.deps.db.sql<{ failing_since: Date | null }[]>`select failing_since from webhook_endpoints`;
    expect(endpoint!.failing_since).toBeNull();
    // A close repeated (its first commit went through unseen) changes nothing and logs nothing again.
    const again = await finishDeliveries(s.deps.db.sql, [
      { id: call!.id, lease: call!.lease, messageId: "again", line: { attempt: 2, outcome: "succeeded", status: 200, durationMs: 1, response: "ok" } },
    ]);
    expect(again.size).toBe(0);
    const [logged] = await s.deps.db.sql<{ n: number }[]>`select count(*)::int as n from webhook_attempts`;
    expect(logged!.n).toBe(2);
  }, 40_000);

  it("Retry-After on a 503 is honoured: no second call before the receiver asked", async () => {
    const s = await start();
    const { receiver } = await receiverFor(s, { events: ["subscriber.created"] });
    receiver.answer = (_call, nth) => (nth === 1 ? { status: 503, headers: { "retry-after": "8" } } : { status: 204 });
    await signUp(s, "wh-retry-after");
    // The schedule alone would have called again after 4.5–5.5 s.
    expect(await scheduledRetry(s)).toBeGreaterThanOrEqual(7_900);
    await receiver.waitFor((calls) => calls.length === 2, 10_000, "the call after Retry-After");
  }, 40_000);

  it("410 Gone disables the endpoint, says why, and nothing more is sent to it", async () => {
    const s = await start();
    const { receiver: gone, endpointId } = await receiverFor(s, { events: ["subscriber.created"] });
    gone.answer = () => ({ status: 410 });
    const { receiver: healthy } = await receiverFor(s, { events: ["subscriber.created"] });
    await signUp(s, "wh-gone-1");
    await waitFor(async () => {
      const [row] = await s.deps.db.sql<{ status: string }[]>`select status from webhook_endpoints where id = ${endpointId}`;
      return row?.status === "disabled";
    }, 10_000, "the endpoint disabled");
    const [endpoint] = await s.deps.db.sql<{ disabled_reason: string }[]>`select disabled_reason from webhook_endpoints where id = ${endpointId}`;
    expect(endpoint!.disabled_reason).toMatch(/410/);
    await signUp(s, "wh-gone-2");
    await healthy.waitFor((calls) => calls.length === 2, 10_000, "the healthy endpoint's second call");
    // A disabled endpoint is not even given calls for new events; its one call failed for good
    // (recorded with the run's others: within moments of the answer).
    const calls = await waitFor(async () => {
      const rows = await s.deps.db.sql<{ state: string; last_error: string }[]>`select state, last_error from deliveries where endpoint_id = ${endpointId}`;
      return rows.every((r) => r.state !== "scheduled" && r.state !== "sending") ? rows : undefined;
    }, 5_000, "the call recorded");
    expect(calls).toMatchObject([{ state: "failed" }]);
    expect(calls[0]!.last_error).toMatch(/410/);
    expect(gone.calls).toHaveLength(1);
  }, 30_000);

  it("a name that resolves to 127.0.0.1 is refused at connect time when private addresses are not allowed", async () => {
    // As if the name had resolved to a public address when the endpoint was created (DNS rebinding).
    const s = await start({ env: { WEBHOOK_ALLOW_PRIVATE_URLS: "false" } });
    const { receiver } = await receiverFor(s, { events: ["subscriber.created"], url: (r) => r.url.replace("127.0.0.1", "localhost") });
    await signUp(s, "wh-rebind");
    const [attempt] = await waitFor(async () => {
      const rows = await s.deps.db.sql<{ outcome: string; response: string }[]>`select outcome, response from webhook_attempts`;
      return rows.length > 0 ? rows : undefined;
    }, 10_000, "the attempt logged");
    expect(attempt!.outcome).toBe("blocked");
    expect(attempt!.response).toMatch(/127\.0\.0\.1|::1|loopback/);
    expect(receiver.calls).toHaveLength(0);
  }, 30_000);

  it("five days of nothing but failures disables the endpoint, and the reason says since when", async () => {
    const s = await start();
    const { receiver, endpointId } = await receiverFor(s, { events: ["subscriber.created"] });
    receiver.answer = () => ({ status: 500 });
    await s.deps.db.sql`update webhook_endpoints set failing_since = now() - interval '5 days 1 hour' where id = ${endpointId}`;
    await signUp(s, "wh-five-days");
    const endpoint = await waitFor(async () => {
      const [row] = await s.deps.db.sql<{ status: string; disabled_reason: string | null }[]>`
        select status, disabled_reason from webhook_endpoints where id = ${endpointId}`;
      return row?.status === "disabled" ? row : undefined;
    }, 10_000, "the endpoint disabled");
    expect(endpoint.disabled_reason).toMatch(/^every attempt failed since \d{4}-\d{2}-\d{2}/);
    expect(receiver.calls).toHaveLength(1);
    // The dashboard says so, and why.
    const dashboard = await (await s.app.request("/admin", { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).text();
    expect(dashboard).toContain("Webhook to 127.0.0.1");
    expect(dashboard).toContain(endpoint.disabled_reason!);
    const call = await waitFor(async () => {
      const [row] = await s.deps.db.sql<{ state: string }[]>`select state from deliveries where endpoint_id = ${endpointId}`;
      return row && row.state !== "sending" ? row : undefined;
    }, 5_000, "the call recorded");
    expect(call.state).toBe("failed");
  }, 30_000);

  it("a slow CRM holds back neither the emails nor more than its share of calls", async () => {
    const s = await start();
    const { receiver } = await receiverFor(s, { events: ["subscriber.created"] });
    receiver.delayMs = 2_000;
    const readers: { email: string; id: string }[] = [];
    for (let i = 0; i < 12; i++) readers.push(await signUp(s, `wh-slow${i}`));
    // Every welcome goes out while the CRM is still working through its first few calls.
    await s.fake!.waitFor((f) => readers.every((r) => f.acceptedTo(r.email).length === 1), 10_000);
    const [answered] = await s.deps.db.sql<{ n: number }[]>`select count(*)::int as n from deliveries where kind = 'webhook' and state = 'sent'`;
    expect(answered!.n).toBeLessThan(readers.length);
    await receiver.waitFor((calls) => calls.length === readers.length, 30_000, "every call, in the end");
    // Never more than the endpoint's share at once (src/deps.ts WEBHOOK_ENDPOINT_SHARE).
    expect(receiver.maxOpen).toBeLessThanOrEqual(4);
    expect(receiver.maxOpen).toBeGreaterThan(1);
  }, 60_000);

  it("the log keeps 30 days: older events go with their calls and attempts, unless a call is still pending", async () => {
    // No worker: its maintenance task would run the same query first.
    const s = (stack = await createStack({ env: { WEBHOOK_ALLOW_PRIVATE_URLS: "true" } }));
    const { endpointId } = await receiverFor(s);
    const sql = s.deps.db.sql;
    const event = async (age: string, state: string) => {
      const [e] = await sql<{ id: number }[]>`
        insert into webhook_events (type, payload, created_at) values ('webhook.test', '{}'::jsonb, now() - ${age}::interval) returning id`;
      const [d] = await sql<{ id: number }[]>`
        insert into deliveries (kind, endpoint_id, webhook_event_id, state, due_at)
        values ('webhook', ${endpointId}, ${e!.id}, ${state}::delivery_state, now() + interval '1 day') returning id`;
      await sql`insert into webhook_attempts (delivery_id, attempt, outcome, status, duration_ms) values (${d!.id}, 1, 'failed', 500, 3)`;
      return e!.id;
    };
    const old = await event("31 days", "failed");
    const oldButPending = await event("31 days", "scheduled");
    const recent = await event("29 days", "sent");
    expect(await forgetOldWebhookLog(sql, 30)).toBe(1);
    const left = await sql<{ id: number }[]>`select id from webhook_events order by id`;
    expect(left.map((r) => r.id)).toEqual([oldButPending, recent]);
    const [orphans] = await sql<{ n: number }[]>`
      select count(*)::int as n from webhook_attempts a join deliveries d on d.id = a.delivery_id where d.webhook_event_id = ${old}`;
    expect(orphans!.n).toBe(0);
    const [attempts] = await sql<{ n: number }[]>`select count(*)::int as n from webhook_attempts`;
    expect(attempts!.n).toBe(2);
  }, 30_000);
});
