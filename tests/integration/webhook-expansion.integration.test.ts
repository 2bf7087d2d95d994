import { afterEach, describe, expect, it } from "vitest";
import { newWebhookSecret } from "../../src/notify/signing.js";
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
});
