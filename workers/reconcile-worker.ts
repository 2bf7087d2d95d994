import type { Worker } from "bullmq";
import type { Logger } from "../src/logger.js";
import type { Reconciler } from "../src/campaign/reconcile.js";
import type { Queues } from "../src/queue/queues.js";
import { MAINTENANCE_JOBS, QUEUE_NAMES } from "../src/queue/jobs.js";

export interface ReconcileLoop {
  worker: Worker;
  stop(): void;
}

/**
 * Runs the reconciler every `everyMs` through a BullMQ job scheduler (one run per tick
 * across all worker processes), once at start, and re-upserts the scheduler now and then:
 * if the queue store lost its data, the scheduler went with it.
 */
export async function startReconcileLoop(
  queues: Queues,
  reconciler: Reconciler,
  logger: Logger,
  everyMs: number,
): Promise<ReconcileLoop> {
  const worker = queues.createWorker(
    QUEUE_NAMES.maintenance,
    async (job) => (job.name === MAINTENANCE_JOBS.reconcile ? reconciler.run() : undefined),
    { concurrency: 1 },
  );
  worker.on("error", (error) => logger.error({ err: error }, "maintenance worker error"));
  worker.on("failed", (job, error) => logger.warn({ jobId: job?.id, err: error.message }, "reconcile failed"));

  const upsert = () =>
    queues.maintenance
      .upsertJobScheduler(MAINTENANCE_JOBS.reconcile, { every: everyMs }, { name: MAINTENANCE_JOBS.reconcile })
      .catch((error: unknown) => logger.warn({ err: error }, "could not upsert the reconcile scheduler"));

  try {
    await reconciler.run();
  } catch (error) {
    logger.warn({ err: error }, "reconcile at start failed; the scheduler will retry");
  }
  await upsert();
  const timer = setInterval(() => void upsert(), Math.max(everyMs * 6, 30_000));
  timer.unref();
  return { worker, stop: () => clearInterval(timer) };
}
