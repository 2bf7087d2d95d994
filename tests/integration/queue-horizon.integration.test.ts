import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { QUEUE_HORIZON_MS } from "../../src/queue/horizon.js";
import { deliveryJobId } from "../../src/queue/jobs.js";
import { createStack, postJson, uniqueEmail, waitFor, waitForReconcilerPasses, type TestStack } from "../support/stack.js";

/**
 * The queue holds only what is due within the horizon (src/queue/horizon.ts): a step due
 * a day away stays a row, and the reconciler adds its job once its due time enters the horizon.
 * Real time here (SEQUENCE_TIME_SCALE 1): the welcome goes at once, "triggers" a day later.
 * (A step due sooner gets its job when it is scheduled: the sequence and unsubscribe tests run
 * on a scaled clock and wait for those jobs.)
 */
describe("the queue's horizon", () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await createStack();
    await stack.startWorkers(); // the reconciler runs every 500 ms
  });
  afterAll(() => stack.close());

  async function nextStepOf(email: string) {
    return waitFor(async () => {
      const [row] = await stack.deps.db.sql<{ id: string; step: string; state: string; due_at: Date }[]>`
        select d.id, d.step, d.state, d.due_at from deliveries d join subscribers s on s.id = d.subscriber_id
         where s.email = ${email} and d.step = 'triggers'`;
      return row;
    }, 10_000, "the next step's row");
  }

  it("leaves a step due a day away out of the queue, and enqueues it as it comes within the horizon", async () => {
    const email = uniqueEmail("horizon");
    expect((await postJson(stack, { email })).status).toBe(202);
    await stack.fake!.waitFor((f) => f.acceptedTo(email).length === 1, 10_000);
    const next = await nextStepOf(email);
    expect(next.state).toBe("scheduled");
    expect(next.due_at.getTime() - Date.now()).toBeGreaterThan(QUEUE_HORIZON_MS);

    // Several reconciler passes later there is still no job for it: the row is the record.
    await waitForReconcilerPasses(stack, 3);
    expect(await stack.deps.queues.send.getJob(deliveryJobId(Number(next.id)))).toBeUndefined();

    // A day passes: its due time is now just inside the horizon (and the row is old, so only the
    // "coming due" pass can find it, not the pass over new rows).
    const dueAt = new Date(Date.now() + QUEUE_HORIZON_MS - 2000);
    await stack.deps.db.sql`
      update deliveries set due_at = ${dueAt}, created_at = now() - interval '1 day' where id = ${next.id}`;
    const job = await waitFor(() => stack.deps.queues.send.getJob(deliveryJobId(Number(next.id))), 5000, "the job, added as the step came due");
    expect(await job.getState()).toBe("delayed");
    // It fires at the row's due time, not before.
    expect(Math.abs(job.timestamp + (job.opts.delay ?? 0) - dueAt.getTime())).toBeLessThan(1000);
    expect(stack.fake!.acceptedTo(email)).toHaveLength(1);
  });
});
