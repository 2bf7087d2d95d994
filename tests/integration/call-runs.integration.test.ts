import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import { sendDeps, WEBHOOK_ENDPOINT_SHARE } from "../../src/deps.js";
import { expandWebhookEvents, takeTurns } from "../../src/db/queries/webhook-calls.js";
import { newWebhookSecret } from "../../src/notify/signing.js";
import { sendMessage } from "../../src/outbound/send.js";
import { deliveryJobId } from "../../src/queue/jobs.js";
import { createStack, postJson, uniqueEmail, type TestStack } from "../support/stack.js";
import { startWebhookReceiver, type WebhookReceiver } from "../support/webhook-receiver.js";

/**
 * A job costs more than the call it makes, so a call's job goes on with its endpoint's next due
 * calls (src/outbound/send.ts `followLine`), claimed a few at once and made side by side, each
 * recorded as its own, until the run's length; then it hands on. No worker runs in this stack: each test drives one job's `sendMessage`.
 */
describe("a call's job goes on along its endpoint's due calls", () => {
  let stack: TestStack;
  let receiver: WebhookReceiver;
  beforeAll(async () => {
    stack = await createStack({ env: { WEBHOOK_ALLOW_PRIVATE_URLS: "true" } });
    receiver = await startWebhookReceiver();
    receiver.secret = newWebhookSecret();
    await stack.deps.db.sql`
      insert into webhook_endpoints (url, secret, events, created_at)
      values (${receiver.url}, ${stack.deps.webhooks.secrets.seal(receiver.secret)}, ${["subscriber.created"]}, now() - interval '1 second')`;
  });
  afterAll(async () => {
    await stack.close();
    await receiver.close();
  });
  afterEach(async () => {
    receiver.calls.length = 0;
    receiver.answer = () => ({ status: 204 });
    await stack.deps.db.sql`delete from deliveries where kind = 'webhook'`;
  });

  /** `n` signups' calls, expanded (never enqueued), oldest first. */
  async function dueCalls(n: number, label: string): Promise<number[]> {
    for (let i = 0; i < n; i++) expect((await postJson(stack, { email: uniqueEmail(`${label}-${i}`) })).status).toBe(202);
    await expandWebhookEvents(stack.deps.db.sql, 500, 10_000);
    const rows = await stack.deps.db.sql<{ id: number }[]>`
      select id from deliveries where kind = 'webhook' and state = 'scheduled' order by due_at, id`;
    expect(rows).toHaveLength(n);
    return rows.map((r) => Number(r.id));
  }
  const states = async (ids: number[]) =>
    (
      await stack.deps.db.sql<{ id: number; state: string; attempts: number }[]>`
        select id, state::text, attempts from deliveries where id = any(${ids}) order by id`
    ).map((r) => `${r.state}/${r.attempts}`);
  const hasJob = async (id: number) => (await stack.deps.queues.webhooks.getJob(deliveryJobId(id))) !== undefined;

  it("one job makes 50 calls, each recorded once, then gives the oldest left a job", async () => {
    const ids = await dueCalls(53, "run");
    const outcome = await sendMessage(sendDeps(stack.deps), ids[0]!, { finalAttempt: false });
    expect(outcome.kind).toBe("sent");
    expect(receiver.calls).toHaveLength(50);
    expect(new Set(receiver.calls.map((c) => c.webhookId)).size).toBe(50);
    expect(receiver.calls.every((c) => c.verified)).toBe(true);
    expect(await states(ids)).toEqual([...Array<string>(50).fill("sent/1"), "scheduled/0", "scheduled/0", "scheduled/0"]);
    // Each call's turn was given back by the statement that recorded it.
    const [turns] = await stack.deps.db.sql<{ leases: string[] }[]>`select leases from webhook_turns`;
    expect(turns!.leases).toEqual([]);
    // The hand-on: the oldest call left has a job; the two behind it wait for its run.
    expect([await hasJob(ids[50]!), await hasJob(ids[51]!), await hasJob(ids[52]!)]).toEqual([true, false, false]);
  });

  it("a run stops after the calls among which one must be tried again, which gets a job of its own for its time", async () => {
    const ids = await dueCalls(9, "stop");
    let answered = 0;
    // The job's own call, then the run's first four side by side: one of them fails.
    receiver.answer = () => (++answered === 3 ? { status: 500 } : { status: 204 });
    await sendMessage(sendDeps(stack.deps), ids[0]!, { finalAttempt: false });
    const after = await states(ids);
    expect(after[0]).toBe("sent/1");
    expect(after.slice(1, 5).sort()).toEqual(["scheduled/1", "sent/1", "sent/1", "sent/1"]);
    expect(after.slice(5)).toEqual(Array<string>(4).fill("scheduled/0"));
    const retried = ids[1 + after.slice(1, 5).indexOf("scheduled/1")]!;
    const retry = await stack.deps.queues.webhooks.getJob(deliveryJobId(retried));
    const [{ dueAt } = { dueAt: new Date(NaN) }] = await stack.deps.db.sql<{ dueAt: Date }[]>`select due_at as "dueAt" from deliveries where id = ${retried}`;
    expect(retry?.opts.delay).toBeGreaterThan(0);
    expect(retry!.timestamp + retry!.opts.delay!).toBeGreaterThanOrEqual(dueAt.getTime() - 50);
    expect(await hasJob(ids[5]!)).toBe(false);
  });

  it("an endpoint's turns: as many at once as may be in flight, then one a spacing, none while all are in flight", async () => {
    const [{ id: endpointId } = { id: "" }] = await stack.deps.db.sql<{ id: string }[]>`select id from webhook_endpoints`;
    // A spacing of a minute, so that how long the statements take on a busy machine does not count.
    const share = { ...WEBHOOK_ENDPOINT_SHARE, concurrency: 2, perSecond: 1, windowMs: 60_000, holdSeconds: 600 };
    const turns = (...leases: string[]) =>
      takeTurns(stack.deps.db.sql, endpointId, leases.map((lease) => ({ id: 0, lease, webhookEventId: 0 })), share);
    const giveBack = (lease: string) => stack.deps.db.sql`select webhook_give_turn(${endpointId}, ${lease})`;
    const [a, b, c, d, e] = Array.from({ length: 5 }, () => randomUUID());
    // A pause: no start due (the runs above left the next one due a few of their spacings ahead).
    await stack.deps.db.sql`delete from webhook_turns where endpoint_id = ${endpointId}`;
    // After a pause, both calls the share lets be in flight start now; asked for in the same round
    // trip, a third has none, and `again` is when the first lease ends at the latest.
    const first = await turns(a!, b!, c!);
    for (const turn of first.slice(0, 2)) expect(turn).toMatchObject({ again: undefined, waitMs: 0 });
    const [{ ends } = { ends: [] }] = await stack.deps.db.sql<{ ends: Date[] }[]>`
      select lease_ends as ends from webhook_turns where endpoint_id = ${endpointId}`;
    expect(ends).toHaveLength(2);
    expect(first[2]!.again?.getTime()).toBe(Math.min(...ends.map((end) => end.getTime())));
    expect((await turns(c!))[0]!.again).toBeDefined();
    // Given back: the next start is a spacing after the burst, the one after it two; the third waits.
    await giveBack(a!);
    await giveBack(b!);
    const [third, fourth, fifth] = await turns(c!, d!, e!);
    expect(third!.again).toBeUndefined();
    expect(third!.waitMs).toBeGreaterThan(50_000);
    expect(third!.waitMs).toBeLessThanOrEqual(60_000);
    expect(fourth!.waitMs - third!.waitMs).toBeGreaterThan(55_000);
    expect(fifth!.again).toBeDefined();
    for (const lease of [c!, d!]) await giveBack(lease);
    await stack.deps.db.sql`delete from webhook_turns where endpoint_id = ${endpointId}`;
  });

  it("0011's one-turn function, kept for a worker not yet restarted, paces as the many-turn one (migration 0013)", async () => {
    const [{ id: endpointId } = { id: "" }] = await stack.deps.db.sql<{ id: string }[]>`select id from webhook_endpoints`;
    const share = { concurrency: 2, perSecond: 1, windowMs: 60_000, holdSeconds: 600 };
    const turn = async (lease: string) => {
      const [row] = await stack.deps.db.sql<{ again: Date | null; busy: boolean; wait_ms: number | null }[]>`
        select again, busy, wait_ms from webhook_take_turn(${endpointId}, ${lease}, ${share.holdSeconds}, ${share.concurrency},
                                                           ${share.perSecond}, ${share.windowMs})`;
      return row!;
    };
    const [a, b, c] = Array.from({ length: 3 }, () => randomUUID());
    await stack.deps.db.sql`delete from webhook_turns where endpoint_id = ${endpointId}`;
    expect(await turn(a!)).toMatchObject({ busy: false, again: null, wait_ms: 0 });
    expect(await turn(b!)).toMatchObject({ busy: false, again: null, wait_ms: 0 });
    const third = await turn(c!);
    expect(third.busy).toBe(true);
    expect(third.wait_ms).toBeNull();
    const [{ ends } = { ends: [] }] = await stack.deps.db.sql<{ ends: Date[] }[]>`
      select lease_ends as ends from webhook_turns where endpoint_id = ${endpointId}`;
    expect(third.again?.getTime()).toBe(Math.min(...ends.map((end) => end.getTime())));
    // One given back: the next start is a spacing after the burst.
    await stack.deps.db.sql`select webhook_give_turn(${endpointId}, ${a!})`;
    const after = await turn(c!);
    expect(after.busy).toBe(false);
    expect(after.wait_ms).toBeGreaterThan(50_000);
    expect(after.wait_ms).toBeLessThanOrEqual(60_000);
    await stack.deps.db.sql`delete from webhook_turns where endpoint_id = ${endpointId}`;
  });
});
