import type { ChildProcess } from "node:child_process";
import { afterAll, describe, expect, it } from "vitest";
import { WEBHOOK_ENDPOINT_SHARE } from "../../src/deps.js";
import { needsConnections } from "../support/connection-budget.js";
import { newWebhookSecret } from "../../src/notify/signing.js";
import { createStack, postJson, uniqueEmail, waitFor, waitForRowsTerminal, type TestStack } from "../support/stack.js";
import { startWebhookReceiver, type WebhookReceiver } from "../support/webhook-receiver.js";
import { killHard, startReceiverProcess, startWorkerProcess, stopWorkerProcess, untilRunning, type RemoteCall } from "../support/worker-process.js";

/**
 * Each endpoint's share holds across processes (issue 28, DESIGN.md invariant 10): three worker
 * processes on one database and one queue store, as on three machines. A slow CRM never has more
 * than 4 calls in flight, a fast one never gets more than 50 in any second it measures, and every
 * event arrives — once, deduplicated on `webhook-id` — though one worker is SIGKILLed mid-run.
 */
const READERS = 120;
const WORKERS = 3;
// Four processes with a stack each, and a rate measured on arrival times: no other service file
// runs meanwhile (tests/support/connection-budget.ts).
needsConnections({ workerProcesses: WORKERS, alone: true });

/** The most calls that arrived within any 1,000 ms. */
function busiestSecond(calls: RemoteCall[]): number {
  const at = calls.map((c) => c.at).sort((a, b) => a - b);
  let most = 0;
  for (let first = 0, last = 0; last < at.length; last++) {
    while (at[last]! - at[first]! >= 1000) first++;
    most = Math.max(most, last - first + 1);
  }
  return most;
}

describe("each endpoint's share, over three worker processes", () => {
  let stack: TestStack | undefined;
  const workers: ChildProcess[] = [];
  const receivers: { close(): Promise<void> }[] = [];
  afterAll(async () => {
    await Promise.all(workers.map((w) => stopWorkerProcess(w)));
    await stack?.close();
    await Promise.all(receivers.map((r) => r.close()));
  });

  it("a slow endpoint never has more than 4 calls in flight, a fast one never more than 50 a second; a killed worker loses and doubles nothing", async () => {
    stack = await createStack();
    const s = stack;
    const endpoint = (url: string, secret: string) => s.deps.db.sql`
      insert into webhook_endpoints (url, secret, events) values (${url}, ${s.deps.webhooks.secrets.seal(secret)}, ${["subscriber.created"]})`;
    // The slow CRM, in this process: it verifies each signature and counts the calls it holds open.
    const slow: WebhookReceiver = await startWebhookReceiver();
    receivers.push(slow);
    slow.secret = newWebhookSecret();
    slow.delayMs = 200;
    await endpoint(slow.url, slow.secret);
    // The fast one in a process of its own, so that the arrival times it records are its own.
    const fast = await startReceiverProcess();
    receivers.push(fast);
    await endpoint(fast.url, newWebhookSecret());
    const start = async () => {
      const output: string[] = [];
      const worker = startWorkerProcess(s, { WEBHOOK_ALLOW_PRIVATE_URLS: "true" }, output);
      workers.push(worker);
      await untilRunning(worker, output, 0);
    };
    const startAll = () => Promise.all(Array.from({ length: WORKERS }, start));
    await startAll();

    // Readers sign up faster than the fast endpoint's 50 a second: its calls queue for turns.
    const signups = Array.from({ length: READERS }, (_, i) => i);
    for (let i = 0; i < signups.length; i += 20) {
      const answers = await Promise.all(signups.slice(i, i + 20).map((n) => postJson(s, { email: uniqueEmail(`share${n}`) })));
      expect(answers.every((a) => a.status === 202)).toBe(true);
    }

    // Mid-run: one worker is killed with calls to the slow endpoint in its hands.
    await slow.waitFor((calls) => calls.length >= 12, 30_000, "the slow endpoint's first calls");
    await killHard(workers[0]!);
    // The others finish what they hold and stop; what is still claimed then is the killed one's.
    await Promise.all(workers.slice(1).map((w) => stopWorkerProcess(w)));
    const orphans = await s.deps.db.sql<{ id: number }[]>`select id from deliveries where kind = 'webhook' and state = 'sending'`;
    // Their lease and their turns run out (as after 60 s and 20 s: the stored times moved back).
    await s.deps.db.sql`update deliveries set claimed_at = claimed_at - interval '61 seconds' where state = 'sending'`;
    await s.deps.db.sql`update webhook_turns set lease_ends = array(select e - interval '21 seconds' from unnest(lease_ends) e)`;
    await startAll();

    await waitForRowsTerminal(() => s.deps.db.sql<{ state: string }[]>`select state::text from deliveries where kind = 'webhook'`, 120_000);
    const events = await s.deps.db.sql<{ message_id: string }[]>`select message_id from webhook_events`;
    expect(events).toHaveLength(READERS);
    const expected = new Set(events.map((e) => e.message_id));
    await slow.waitFor((calls) => new Set(calls.map((c) => c.webhookId)).size === expected.size, 10_000, "every event");
    expect(slow.calls.every((c) => c.verified)).toBe(true);
    const fastCalls = await waitFor(async () => {
      const calls = await fast.calls();
      return new Set(calls.map((c) => c.webhookId)).size === expected.size ? calls : undefined;
    }, 10_000, "every event at the fast endpoint");
    for (const calls of [slow.calls, fastCalls]) {
      const received = new Set(calls.map((c) => c.webhookId));
      expect([...expected].filter((id) => !received.has(id))).toEqual([]); // none lost
      expect([...received].filter((id) => !expected.has(id))).toEqual([]); // none invented
      // A repeat only of a call in flight at the kill (whether it arrived cannot be known).
      expect(calls.length - received.size).toBeLessThanOrEqual(orphans.length);
    }
    const [sent] = await s.deps.db.sql<{ n: number }[]>`select count(*)::int as n from deliveries where kind = 'webhook' and state = 'sent'`;
    expect(sent!.n).toBe(2 * READERS);

    expect(slow.maxOpen).toBeLessThanOrEqual(WEBHOOK_ENDPOINT_SHARE.concurrency);
    expect(slow.maxOpen).toBeGreaterThan(1);
    const busiest = busiestSecond(fastCalls);
    expect(busiest).toBeLessThanOrEqual(WEBHOOK_ENDPOINT_SHARE.perSecond);
    // The share is used, not just respected: the fast endpoint saw seconds near its 50.
    expect(busiest).toBeGreaterThan(WEBHOOK_ENDPOINT_SHARE.perSecond / 2);
    console.log(JSON.stringify({ queueBackend: s.config.queueBackend, slowMaxOpen: slow.maxOpen, fastBusiestSecond: busiest, orphans: orphans.length }));
  }, 240_000);
});
