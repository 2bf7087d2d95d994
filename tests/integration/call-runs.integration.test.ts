import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import { sendDeps, WEBHOOK_ENDPOINT_SHARE } from "../../src/deps.js";
import { expandWebhookEvents, takeTurn } from "../../src/db/queries/webhook-calls.js";
import { newWebhookSecret } from "../../src/notify/signing.js";
import { sendMessage } from "../../src/outbound/send.js";
import { deliveryJobId } from "../../src/queue/jobs.js";
import { createStack, postJson, uniqueEmail, type TestStack } from "../support/stack.js";
import { startWebhookReceiver, type WebhookReceiver } from "../support/webhook-receiver.js";

/**
 * A job costs more than the call it makes, so a call's job goes on with its endpoint's next due
 * calls (src/outbound/send.ts `followLine`), each recorded as its own, until the run's length;
 * then it hands on. No worker runs in this stack: each test drives one job's `sendMessage`.
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

  it("a run stops at a call that must be tried again, which gets a job of its own for its time", async () => {
    const ids = await dueCalls(5, "stop");
    let answered = 0;
    receiver.answer = () => (++answered === 3 ? { status: 500 } : { status: 204 });
    await sendMessage(sendDeps(stack.deps), ids[0]!, { finalAttempt: false });
    expect(await states(ids)).toEqual(["sent/1", "sent/1", "scheduled/1", "scheduled/0", "scheduled/0"]);
    const retry = await stack.deps.queues.webhooks.getJob(deliveryJobId(ids[2]!));
    const [{ dueAt } = { dueAt: new Date(NaN) }] = await stack.deps.db.sql<{ dueAt: Date }[]>`select due_at as "dueAt" from deliveries where id = ${ids[2]!}`;
    expect(retry?.opts.delay).toBeGreaterThan(0);
    expect(retry!.timestamp + retry!.opts.delay!).toBeGreaterThanOrEqual(dueAt.getTime() - 50);
    expect(await hasJob(ids[3]!)).toBe(false);
  });

  it("an endpoint's turns start evenly spaced, and none is given while every call is in flight", async () => {
    const [{ id: endpointId } = { id: "" }] = await stack.deps.db.sql<{ id: string }[]>`select id from webhook_endpoints`;
    const share = WEBHOOK_ENDPOINT_SHARE;
    const spacingMs = share.windowMs / share.perSecond;
    const turn = (lease: string) => takeTurn(stack.deps.db.sql, { id: 0, lease, endpointId, webhookEventId: 0 }, share);
    const stored = async () => {
      const [row] = await stack.deps.db.sql<{ start: Date; ends: Date[] }[]>`
        select starts[1] as start, lease_ends as ends from webhook_turns where endpoint_id = ${endpointId}`;
      return row!;
    };
    const leases = Array.from({ length: share.concurrency + 1 }, () => randomUUID());
    const starts: number[] = [];
    for (const lease of leases.slice(0, share.concurrency)) {
      const taken = await turn(lease);
      expect(taken.again).toBeUndefined();
      // Taken back to back, each start waits for the one before's spacing: never more than the others ahead.
      expect(taken.waitMs).toBeGreaterThanOrEqual(0);
      expect(taken.waitMs).toBeLessThanOrEqual(spacingMs * share.concurrency);
      starts.push((await stored()).start.getTime());
    }
    for (let i = 1; i < starts.length; i++) expect(starts[i]! - starts[i - 1]!).toBeGreaterThanOrEqual(spacingMs);
    // Every call in flight: no turn, and `again` is when the first lease ends at the latest.
    const busy = await turn(leases[share.concurrency]!);
    const { ends } = await stored();
    expect(busy.again?.getTime()).toBe(ends[0]!.getTime());
    expect(ends).toHaveLength(share.concurrency);
    // One call given back: the next turn is given, spaced from the last start.
    const giveTurn = (lease: string) => stack.deps.db.sql`select webhook_give_turn(${endpointId}, ${lease})`;
    await giveTurn(leases[0]!);
    expect((await turn(leases[share.concurrency]!)).again).toBeUndefined();
    expect((await stored()).start.getTime() - starts.at(-1)!).toBeGreaterThanOrEqual(spacingMs);
    for (const lease of leases.slice(1)) await giveTurn(lease);
  });
});
