import { afterEach, describe, expect, it } from "vitest";
import { sendDeps, WEBHOOK_RUN } from "../../src/deps.js";
import { sendMessage } from "../../src/outbound/send.js";
import { WebhookExpansion } from "../../src/notify/expansion.js";
import { newWebhookSecret } from "../../src/notify/signing.js";
import { deliveryJobId, QUEUE_NAMES, type SendJob } from "../../src/queue/jobs.js";
import { startSendWorker } from "../../workers/send-worker.js";
import { signToken } from "../../src/tokens.js";
import { createStack, postJson, TEST_SECRET, uniqueEmail, waitFor, type TestStack } from "../support/stack.js";
import { startWebhookReceiver, type WebhookReceiver } from "../support/webhook-receiver.js";
import { openActionLink } from "../support/signals.js";

/**
 * Webhook events are recorded compactly in the transaction of their cause — one row per
 * statement and event type (migration 0007) — and expanded by the worker into events and calls
 * at the pace the endpoints take them (src/notify/expansion.ts). What the receiver gets must be
 * what was true when the event happened, whenever the expansion runs.
 */
const ADMIN_TOKEN = "admin-token-for-webhook-expansion-tests";

let stack: TestStack | undefined;
let receivers: WebhookReceiver[] = [];
afterEach(async () => {
  await stack?.close();
  await Promise.all(receivers.map((r) => r.close()));
  stack = undefined;
  receivers = [];
});

async function receiverFor(s: TestStack, events?: string[]) {
  const receiver = await startWebhookReceiver();
  receivers.push(receiver);
  receiver.secret = newWebhookSecret();
  await s.deps.db.sql`
    insert into webhook_endpoints (url, secret, events, created_at)
    values (${receiver.url}, ${s.deps.webhooks.secrets.seal(receiver.secret)}, ${events ?? null}, now() - interval '1 second')`;
  return receiver;
}

const compactRows = (s: TestStack) =>
  s.deps.db.sql<{ type: string; n: number }[]>`
    select type, cardinality(subscriber_ids)::int as n from webhook_event_batches order by id`;

describe("webhook events recorded compactly, expanded at the endpoints' pace", () => {
  it("a statement of 300 signups is one compact row per event type; the expansion pauses while the endpoint is busy", async () => {
    const s = (stack = await createStack({ env: { WEBHOOK_ALLOW_PRIVATE_URLS: "true", ADMIN_TOKEN } }));
    const receiver = await receiverFor(s);
    // One statement, as the signup group commit writes a batch.
    await s.deps.db.sql`insert into subscribers (email) select 'burst' || g || '@example.test' from generate_series(1, 300) g`;
    expect(await compactRows(s)).toEqual([
      { type: "subscriber.created", n: 300 },
      { type: "subscriber.activated", n: 300 },
    ]);
    const [nothingYet] = await s.deps.db.sql<{ events: number; calls: number }[]>`
      select (select count(*)::int from webhook_events) as events, (select count(*)::int from deliveries where kind = 'webhook') as calls`;
    expect(nothingYet).toEqual({ events: 0, calls: 0 });

    // A slow receiver (4 at once, 200 ms each): after the first chunk of 500 the expansion waits.
    receiver.delayMs = 200;
    await s.startWorkers();
    await receiver.waitFor((calls) => calls.length >= 8, 10_000, "the first calls");
    const [paused] = await s.deps.db.sql<{ calls: number }[]>`select count(*)::int as calls from deliveries where kind = 'webhook'`;
    expect(paused!.calls).toBe(500);
    expect(await compactRows(s)).toEqual([{ type: "subscriber.activated", n: 100 }]);
    // The admin sees what waits.
    const page = await (await s.app.request("/admin/webhooks", { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).text();
    expect(page).toContain("100 events wait to be handed to the endpoints");

    receiver.delayMs = 0;
    await receiver.waitFor((calls) => new Set(calls.map((c) => c.webhookId)).size === 600, 60_000, "every event");
    expect(await compactRows(s)).toEqual([]);
    expect(receiver.calls.every((c) => c.verified)).toBe(true);
    const perType = new Map<string, number>();
    for (const c of receiver.calls) perType.set(c.type, (perType.get(c.type) ?? 0) + 1);
    expect(Object.fromEntries(perType)).toEqual({ "subscriber.created": 300, "subscriber.activated": 300 });
  }, 90_000);

  it("an event says what was true when it happened, whenever it is expanded; an erasure before leaves the id only", async () => {
    const s = (stack = await createStack({ env: { WEBHOOK_ALLOW_PRIVATE_URLS: "true", ADMIN_TOKEN, DOUBLE_OPT_IN: "true" } }));
    const receiver = await receiverFor(s);
    const sign = async (label: string) => {
      const email = uniqueEmail(label);
      expect((await postJson(s, { email, firstName: "Ines" })).status).toBe(202);
      const [row] = await s.deps.db.sql<{ id: string }[]>`select id from subscribers where email = ${email}`;
      return { email, id: row!.id };
    };
    // No worker yet: every event waits, compact, while the subscribers change.
    const stays = await sign("wx-stays");
    const erased = await sign("wx-erased");
    const { answer: confirm } = await openActionLink(s, `/confirm/${signToken(TEST_SECRET, "confirm", stays.id, new Date(Date.now() + 86_400_000))}`);
    expect(confirm.status).toBeLessThan(400);
    const erase = await s.app.request("/admin/api/subscribers/erase", {
      method: "POST",
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify({ email: erased.email }),
    });
    expect(erase.status).toBe(200);
    // An endpoint added now gets what happens from now on, not what waits from before.
    const late = await receiverFor(s);
    await s.deps.db.sql`update webhook_endpoints set created_at = now() where url = ${late.url}`;
    expect((await compactRows(s)).length).toBeGreaterThan(0);

    await s.startWorkers();
    await waitFor(async () => (await compactRows(s)).length === 0, 10_000, "the expansion");
    const [recorded] = await s.deps.db.sql<{ n: number }[]>`select count(*)::int as n from webhook_events`;
    await receiver.waitFor((calls) => calls.length === recorded!.n, 10_000, "every event");
    const said = receiver.calls.map((c) => [c.type, c.payload.data.subscriber]);
    expect(said).toEqual(
      expect.arrayContaining([
        // Pending at signup, though active by the time the event was expanded.
        ["subscriber.created", expect.objectContaining({ id: stays.id, status: "pending", firstName: "Ines", email: stays.email })],
        ["subscriber.activated", expect.objectContaining({ id: stays.id, status: "active" })],
        // Erased before the expansion: nothing about the person but the id, in every event.
        ["subscriber.created", { id: erased.id }],
        ["subscriber.erased", { id: erased.id }],
      ]),
    );
    expect(JSON.stringify(receiver.calls.map((c) => c.payload))).not.toContain(erased.email);
    // Each event's timestamp is when it happened, not when it was expanded.
    const created = receiver.calls.find((c) => c.type === "subscriber.created" && (c.payload.data.subscriber as { id: string }).id === stays.id)!;
    const [signedUp] = await s.deps.db.sql<{ at: Date }[]>`select created_at as at from subscribers where id = ${stays.id}`;
    expect(Math.abs(new Date(created.payload.timestamp).getTime() - signedUp!.at.getTime())).toBeLessThan(50);
    expect(late.calls).toHaveLength(0);
  }, 60_000);

  it("calls to an endpoint go out in runs: the jobs of every 25th call make them all, as many at once as its share", async () => {
    const s = (stack = await createStack({ env: { WEBHOOK_ALLOW_PRIVATE_URLS: "true", ADMIN_TOKEN } }));
    const receiver = await receiverFor(s);
    receiver.delayMs = 30;
    // 30 signups, two events each: 60 calls to one endpoint.
    await s.deps.db.sql`insert into subscribers (email) select 'run' || g || '@example.test' from generate_series(1, 30) g`;
    // The expansion alone first (no worker): it enqueues the runs' first calls only.
    const expansion = new WebhookExpansion({ sql: s.deps.db.sql, queues: s.deps.queues, logger: s.deps.logger, runSize: WEBHOOK_RUN.size });
    expansion.kick();
    await waitFor(async () => (await compactRows(s)).length === 0, 10_000, "the expansion");
    await expansion.stop();
    const jobs = await s.deps.queues.webhooks.getJobCounts("waiting", "delayed", "prioritized", "active");
    expect(Object.values(jobs).reduce((a, b) => a + b, 0)).toBe(Math.ceil(60 / WEBHOOK_RUN.size));
    // Each first call's job says where its run ends: the groups cover every call once, so no
    // two runs reach for the same calls.
    const callIds = (await s.deps.db.sql<{ id: number }[]>`select id from deliveries where kind = 'webhook' order by id`).map((r) => r.id);
    const leaders = callIds.filter((_, i) => i % WEBHOOK_RUN.size === 0);
    const groups = await Promise.all(
      leaders.map(async (id) => {
        const job = await s.deps.queues.webhooks.getJob(deliveryJobId(id));
        const until = (job?.data as SendJob | undefined)?.runUntil ?? id + 1;
        return callIds.filter((c) => c >= id && c < until);
      }),
    );
    expect(groups.map((g) => g.length)).toEqual([25, 25, 10]);
    expect(groups.flat()).toEqual(callIds);

    // Only the webhook calls' worker, one job at a time, and no reconciler: the runs make every call.
    const worker = startSendWorker(s.deps.queues, sendDeps(s.deps), { queue: QUEUE_NAMES.webhooks, concurrency: 1, ratePerSecond: undefined });
    try {
      await receiver.waitFor((calls) => calls.length >= 60, 20_000, "every call");
      const ids = receiver.calls.map((c) => c.webhookId);
      expect(new Set(ids).size).toBe(60);
      expect(ids).toHaveLength(60);
      // A run's lanes call at once, never more than the endpoint's share.
      expect(receiver.maxOpen).toBeGreaterThan(1);
      expect(receiver.maxOpen).toBeLessThanOrEqual(WEBHOOK_RUN.lanes);
      await waitFor(
        async () => {
          const [row] = await s.deps.db.sql<{ open: number }[]>`
            select count(*) filter (where state <> 'sent' or attempts <> 1)::int as open from deliveries where kind = 'webhook'`;
          return row!.open === 0;
        },
        10_000,
        "every call recorded as sent at its first attempt",
      );
      const [logged] = await s.deps.db.sql<{ n: number }[]>`select count(*)::int as n from webhook_attempts where outcome = 'succeeded'`;
      expect(logged!.n).toBe(60);
    } finally {
      await worker.close();
    }
  }, 60_000);
  it("a run the endpoint gives no more turns stops: the calls it claimed go back untried, and the first one left leads the rest", async () => {
    const s = (stack = await createStack({ env: { WEBHOOK_ALLOW_PRIVATE_URLS: "true", ADMIN_TOKEN } }));
    const receiver = await receiverFor(s, ["subscriber.created"]);
    await s.deps.db.sql`insert into subscribers (email) select 'stop' || g || '@example.test' from generate_series(1, 20) g`;
    const expansion = new WebhookExpansion({ sql: s.deps.db.sql, queues: s.deps.queues, logger: s.deps.logger, runSize: WEBHOOK_RUN.size });
    expansion.kick();
    await waitFor(async () => (await compactRows(s)).length === 0, 10_000, "the expansion");
    await expansion.stop();
    const callIds = (await s.deps.db.sql<{ id: number }[]>`select id from deliveries where kind = 'webhook' order by id`).map((r) => Number(r.id));
    expect(callIds).toHaveLength(20);
    const leader = callIds[0]!;
    const runUntil = ((await s.deps.queues.webhooks.getJob(deliveryJobId(leader)))?.data as SendJob).runUntil!;

    // The endpoint gives three turns, then none: its lanes have claimed more than that by then.
    const deps = sendDeps(s.deps);
    const run = deps.kinds.webhook.run!;
    let turns = 3;
    const kinds = { ...deps.kinds, webhook: { ...deps.kinds.webhook, run: { ...run, turn: async (r: string) => (turns-- > 0 ? run.turn(r) : undefined) } } };
    const outcome = await sendMessage({ ...deps, kinds }, leader, { finalAttempt: false, runUntil });
    expect(outcome.kind).toBe("sent");

    expect(receiver.calls).toHaveLength(4); // the leader and three followers
    const rows = await s.deps.db.sql<{ id: number; state: string; attempts: number; claimed_at: Date | null }[]>`
      select id, state, attempts, claimed_at from deliveries where kind = 'webhook' order by id`;
    const sent = rows.filter((r) => r.state === "sent");
    expect(sent.map((r) => r.attempts)).toEqual([1, 1, 1, 1]);
    const left = rows.filter((r) => r.state !== "sent");
    expect(left).toHaveLength(16);
    for (const row of left) expect(row).toMatchObject({ state: "scheduled", attempts: 0, claimed_at: null });
    const [logged] = await s.deps.db.sql<{ n: number }[]>`select count(*)::int as n from webhook_attempts`;
    expect(logged!.n).toBe(4);
    // The first call left leads a new run over the same group.
    const next = await s.deps.queues.webhooks.getJob(deliveryJobId(Number(left[0]!.id)));
    expect((next?.data as SendJob | undefined)?.runUntil).toBe(runUntil);
  }, 60_000);
});
