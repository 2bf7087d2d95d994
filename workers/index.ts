import { Reconciler } from "../src/campaign/reconcile.js";
import { CLAIM_LEASE_SECONDS, deliverDeps, type Deps } from "../src/deps.js";
import { startReconcileLoop } from "./reconcile-worker.js";
import { startSendWorker } from "./send-worker.js";

export interface WorkerOptions {
  concurrency: number;
  reconcileEveryMs: number;
}

export interface RunningWorkers {
  /** Stops taking jobs and waits for the ones in hand (BullMQ's close() does). */
  close(): Promise<void>;
}

/** The worker process: sending and reconciling. One entry, one close for all. */
export async function startWorkers(deps: Deps, options: WorkerOptions): Promise<RunningWorkers> {
  const send = startSendWorker(deps.queues, deliverDeps(deps), {
    concurrency: options.concurrency,
    // The outbox has no provider limit to respect.
    ratePerSecond: deps.transport.name === "resend" ? deps.config.resend.rateLimitPerSecond : undefined,
  });
  const reconciler = new Reconciler({
    sql: deps.db.sql,
    queues: deps.queues,
    logger: deps.logger,
    leaseSeconds: CLAIM_LEASE_SECONDS,
  });
  const loop = await startReconcileLoop(deps.queues, reconciler, deps.logger, options.reconcileEveryMs);
  deps.logger.info({ transport: deps.transport.name, concurrency: options.concurrency }, "workers started");
  return {
    async close() {
      loop.stop();
      await Promise.all([send.close(), loop.worker.close()]);
    },
  };
}
