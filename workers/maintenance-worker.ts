import type { Worker } from "bullmq";
import type { Logger } from "../src/logger.js";
import type { Reconciler } from "../src/outbound/reconcile.js";
import type { Queues } from "../src/queue/queues.js";
import { MAINTENANCE_JOBS, QUEUE_NAMES } from "../src/queue/jobs.js";

/** Another periodic job on the maintenance queue (its name is in MAINTENANCE_JOBS). */
export interface MaintenanceTask {
  name: string;
  everyMs: number;
  run(): Promise<unknown>;
}

/**
 * The maintenance queue's one worker: runs the reconciler every `everyMs` and each other task on
 * its own period, through BullMQ job schedulers (one run per tick across all worker processes),
 * each once at start, and re-upserts the schedulers now and then: if the queue store lost its
 * data, the schedulers went with it.
 */
export async function startMaintenanceWorker(
  queues: Queues,
  reconciler: Reconciler,
  logger: Logger,
  everyMs: number,
  tasks: MaintenanceTask[] = [],
): Promise<{ worker: Worker; stop(): void }> {
  // One worker serves the whole maintenance queue: a second one would take jobs it cannot run.
  const worker = queues.createWorker(
    QUEUE_NAMES.maintenance,
    async (job) =>
      job.name === MAINTENANCE_JOBS.reconcile ? reconciler.run() : tasks.find((t) => t.name === job.name)?.run(),
    { concurrency: 1 },
  );
  worker.on("error", (error) => logger.error({ err: error }, "maintenance worker error"));
  worker.on("failed", (job, error) => logger.warn({ jobId: job?.id, job: job?.name, err: error.message }, "maintenance job failed"));

  const schedules = [{ name: MAINTENANCE_JOBS.reconcile, everyMs }, ...tasks];
  const upsert = () =>
    Promise.all(
      schedules.map((s) =>
        queues.maintenance
          .upsertJobScheduler(s.name, { every: s.everyMs }, { name: s.name })
          .catch((error: unknown) => logger.warn({ err: error, job: s.name }, "could not upsert a maintenance scheduler")),
      ),
    );

  try {
    await reconciler.run();
  } catch (error) {
    logger.warn({ err: error }, "reconcile at start failed; the scheduler will retry");
  }
  for (const task of tasks) {
    await task.run().catch((error: unknown) => logger.warn({ err: error, job: task.name }, "maintenance job at start failed"));
  }
  await upsert();
  const timer = setInterval(() => void upsert(), Math.max(everyMs * 6, 30_000));
  timer.unref();
  return { worker, stop: () => clearInterval(timer) };
}
