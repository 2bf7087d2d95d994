import type { ChildProcess } from "node:child_process";
import { afterAll, describe, expect, it } from "vitest";
import { newWebhookSecret } from "../../src/notify/signing.js";
import { needsConnections } from "../support/connection-budget.js";
import { wipeQueueStore } from "../support/queue-faults.js";
import { createStack, postJson, uniqueEmail, waitFor, waitForRowsTerminal, type TestStack } from "../support/stack.js";
import { startWebhookReceiver, type WebhookReceiver } from "../support/webhook-receiver.js";
import { killHard, startWorkerProcess, stopWorkerProcess, untilRunning } from "../support/worker-process.js";

/**
 * Outgoing webhooks against the faults the emails survive (issue 16): the worker is a process of
 * its own, SIGKILLed while calls are in flight; the queue store is wiped; more readers sign up
 * while no worker runs. Every event must reach the receiver, and — deduplicated on `webhook-id`,
 * as the Standard Webhooks receivers do — exactly once. A call in flight at the kill may arrive
 * twice (at least once: whether the receiver got it cannot be known), under the same id and body.
 */
const BEFORE = 30;
const WHILE_DOWN = 10;

needsConnections({ workerProcesses: 1 });

describe("outgoing webhooks under faults: a killed worker, a wiped queue store", () => {
  let stack: TestStack | undefined;
  let worker: ChildProcess | undefined;
  let receiver: WebhookReceiver | undefined;
  afterAll(async () => {
    await stopWorkerProcess(worker);
    await stack?.close();
    await receiver?.close();
  });

  it("every event arrives, none twice once deduplicated on webhook-id", async () => {
    stack = await createStack();
    receiver = await startWebhookReceiver();
    receiver.secret = newWebhookSecret();
    // A slow CRM: each call takes 150 ms, so the kill finds calls in flight.
    receiver.delayMs = 150;
    await stack.deps.db.sql`insert into webhook_endpoints (url, secret) values (${receiver.url}, ${stack.deps.webhooks.secrets.seal(receiver.secret)})`;
    const output: string[] = [];
    const restart = async () => {
      const from = output.length;
      worker = startWorkerProcess(stack!, { WEBHOOK_ALLOW_PRIVATE_URLS: "true" }, output);
      await untilRunning(worker, output, from);
    };
    await restart();

    for (let i = 0; i < BEFORE; i++) expect((await postJson(stack, { email: uniqueEmail(`whf${i}`) })).status).toBe(202);
    await receiver.waitFor((calls) => calls.length >= 10, 30_000, "the first calls");
    await killHard(worker!);
    const atKill = receiver.calls.length;
    // Claimed and not recorded: the calls that may have reached the receiver unrecorded.
    const [claimed] = await stack.deps.db.sql<{ n: number }[]>`select count(*)::int as n from deliveries where kind = 'webhook' and state = 'sending'`;
    const inFlightAtKill = claimed!.n;
    // No worker runs: what is claimed is the killed one's. Its leases and turns run out, as 60 s
    // and 20 s later would (the stored times moved back rather than waited for).
    await stack.deps.db.sql`update deliveries set claimed_at = claimed_at - interval '61 seconds' where state = 'sending'`;
    await stack.deps.db.sql`update webhook_turns set lease_ends = array(select e - interval '21 seconds' from unnest(lease_ends) e)`;
    await wipeQueueStore(stack);
    // Readers keep coming while no worker runs: their events are recorded and wait.
    for (let i = 0; i < WHILE_DOWN; i++) expect((await postJson(stack, { email: uniqueEmail(`whd${i}`) })).status).toBe(202);
    await restart();

    // Two events per reader (created, activated under single opt-in), recorded at signup and
    // expanded by the restarted worker: wait for nothing left compact.
    await waitFor(async () => (await stack!.deps.db.sql`select 1 from webhook_event_batches limit 1`).length === 0, 30_000, "the recorded events expanded");
    const events = await stack.deps.db.sql<{ message_id: string; body: unknown }[]>`select message_id, payload as body from webhook_events`;
    expect(events).toHaveLength(2 * (BEFORE + WHILE_DOWN));
    // Calls claimed by the killed worker go again, their lease over.
    await waitForRowsTerminal(() => stack!.deps.db.sql<{ state: string }[]>`select state::text from deliveries where kind = 'webhook'`, 60_000);
    const expected = new Set(events.map((e) => e.message_id));
    await receiver.waitFor((calls) => new Set(calls.map((c) => c.webhookId)).size === expected.size, 10_000, "every event");

    const received = new Set(receiver.calls.map((c) => c.webhookId));
    expect([...expected].filter((id) => !received.has(id))).toEqual([]); // none lost
    expect([...received].filter((id) => !expected.has(id))).toEqual([]); // none invented
    expect(receiver.calls.every((c) => c.verified)).toBe(true);
    // Raw repeats only for calls in flight at the kill (claimed, outcome not recorded), each the
    // same body under the same id.
    const repeats = receiver.calls.length - received.size;
    expect(repeats).toBeLessThanOrEqual(inFlightAtKill);
    for (const id of received) expect(new Set(receiver.callsOf(id).map((c) => c.body)).size).toBe(1);
    const [sent] = await stack.deps.db.sql<{ n: number }[]>`select count(*)::int as n from deliveries where kind = 'webhook' and state = 'sent'`;
    expect(sent!.n).toBe(expected.size);
    console.log(JSON.stringify({ queueBackend: stack.config.queueBackend, events: expected.size, callsAtKill: atKill, inFlightAtKill, received: receiver.calls.length, repeats }));
  }, 120_000);
});
