import { UnrecoverableError } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Reconciler } from "../../src/outbound/reconcile.js";
import { claimDelivery } from "../../src/db/queries/deliveries.js";
import { deliveryJobId, QUEUE_NAMES } from "../../src/queue/jobs.js";
import { createStack, postJson, uniqueEmail, waitFor, type TestStack } from "../support/stack.js";

/**
 * A claim abandoned mid-send whose job has already ended (failed after its retries — say
 * Postgres was down for hours while the job kept failing): adding the same job id is a silent
 * no-op while the failed job is retained, so the reconciler must replace the job, not just add.
 */
describe("the reconciler revives an abandoned claim whose job ended", () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await createStack();
  });
  afterAll(() => stack.close());

  it("replaces the failed job of a delivery still in `sending` past its lease", async () => {
    const email = uniqueEmail("abandoned");
    expect((await postJson(stack, { email })).status).toBe(202);
    const [row] = await stack.deps.db.sql<{ id: string }[]>`
      select d.id from deliveries d join subscribers s on s.id = d.subscriber_id where s.email = ${email}`;
    const id = Number(row!.id);

    // The job ends failed (as after its last retry) …
    const failing = stack.deps.queues.createWorker(QUEUE_NAMES.send, async () => {
      throw new UnrecoverableError("Postgres unreachable (simulated last attempt)");
    }, { concurrency: 1 });
    await waitFor(async () => (await (await stack.deps.queues.send.getJob(deliveryJobId(id)))?.getState()) === "failed", 10_000, "job failed");
    await failing.close();
    // … while the row stays claimed by a worker that went away.
    const claim = await claimDelivery(stack.deps.db.sql, id, 60);
    expect(claim.claimed?.state).toBe("sending");

    // A lease of 0 s makes the claim count as abandoned now (in production: after 60 s).
    const reconciler = new Reconciler({ sql: stack.deps.db.sql, queues: stack.deps.queues, logger: stack.deps.logger, leaseSeconds: 0 });
    const report = await reconciler.run();
    expect(report.repaired).toBe(1);
    const state = await (await stack.deps.queues.send.getJob(deliveryJobId(id)))?.getState();
    expect(["waiting", "delayed", "prioritized"]).toContain(state);
    expect(stack.fake!.acceptedTo(email)).toHaveLength(0); // nothing was sent on the way
  });
});
