import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deliveryJobId } from "../../src/queue/jobs.js";
import {
  createStack,
  postJson,
  settledSendJobs,
  uniqueEmail,
  waitForQueueDrained,
  waitForQuiet,
  waitForReconcilerPasses,
  waitForRowsTerminal,
  type TestStack,
} from "../support/stack.js";

/**
 * The waits other tests rely on before asserting "nothing more was sent" (tests/support/stack.ts)
 * must see work that is still to do, on both queue backends: otherwise those assertions could
 * pass without checking anything.
 */
describe("the tests' waits see work still to do", () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await createStack();
  });
  afterAll(() => stack.close());

  const welcomeOf = (email: string) => stack.deps.db.sql<{ state: string }[]>`
    select d.state from deliveries d join subscribers s on s.id = d.subscriber_id where s.email = ${email} and d.step = 'welcome'`;

  it("a waiting job, a delayed job, a scheduled row and a provider call in flight each keep the waits waiting", async () => {
    // No worker yet: the welcome's job waits, its row is scheduled.
    const first = uniqueEmail("waits");
    expect((await postJson(stack, { email: first })).status).toBe(202);
    expect(await settledSendJobs(stack)).toBeGreaterThan(0);
    await expect(waitForQueueDrained(stack, { timeoutMs: 300 })).rejects.toThrow(/send queue to drain/);
    await expect(waitForRowsTerminal(() => welcomeOf(first), 300)).rejects.toThrow(/timed out/);

    // A job due in a minute stays delayed: it counts, unless it is due later than allowed.
    const farId = 2_000_000_000;
    await stack.deps.queues.send.add("send", { deliveryId: farId }, { jobId: deliveryJobId(farId), delay: 60_000 });

    await stack.startWorkers();
    await waitForRowsTerminal(() => welcomeOf(first));
    await expect(waitForQueueDrained(stack, { timeoutMs: 300 })).rejects.toThrow(/send queue to drain/);
    await expect(waitForQueueDrained(stack, { laterThanMs: 90_000, timeoutMs: 300 })).rejects.toThrow(/send queue to drain/);
    await waitForQueueDrained(stack, { laterThanMs: 30_000 });
    await stack.deps.queues.send.remove(deliveryJobId(farId));
    await waitForQueueDrained(stack);

    // A provider call held in flight: not quiet until it is answered.
    stack.fake!.setLatency(1500);
    const second = uniqueEmail("waits");
    expect((await postJson(stack, { email: second })).status).toBe(202);
    await stack.fake!.waitFor((f) => f.inFlight() > 0, 5000);
    await expect(waitForQuiet(stack, { reconcilerPasses: 0, timeoutMs: 300 })).rejects.toThrow(/provider to settle/);
    stack.fake!.setLatency(0);
    await waitForQuiet(stack);
    expect(stack.fake!.acceptedTo(second)).toHaveLength(1);
    expect(stack.fake!.inFlight()).toBe(0);

    // The reconciler runs in this process every 500 ms: its passes are counted.
    await waitForReconcilerPasses(stack, 2);
  });
});
