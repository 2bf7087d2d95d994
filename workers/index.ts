import { Reconciler } from "../src/outbound/reconcile.js";
import { SequencePlanner } from "../src/campaign/replan.js";
import { activationDeps, CLAIM_LEASE_SECONDS, sendDeps, WEBHOOK_ENDPOINT_SHARE, type Deps } from "../src/deps.js";
import { maintenanceTasks } from "./maintenance-tasks.js";
import { startEventsWorker } from "./events-worker.js";
import { startMaintenanceWorker } from "./maintenance-worker.js";
import { startSendWorker } from "./send-worker.js";
import { listenForWebhookEvents } from "../src/notify/announcements.js";
import { WebhookExpansion } from "../src/notify/expansion.js";
import { QUEUE_NAMES } from "../src/queue/jobs.js";
import { startStatsFoldLoop } from "../src/admin/stats-fold-loop.js";
import { instrumentReconciler, startSnapshotPublisher } from "../src/metrics/process-metrics.js";

export interface WorkerOptions {
  concurrency: number;
  reconcileEveryMs: number;
}

export interface RunningWorkers {
  /** Stops taking jobs and waits for the ones in hand (BullMQ's close() does). */
  close(): Promise<void>;
}

/**
 * Webhook calls handled at once per worker process: each endpoint gets at most its share in
 * flight over every process (src/deps.ts WEBHOOK_ENDPOINT_SHARE); a call whose endpoint has no
 * turn for it waits a moment in this process, then is put back.
 */
const WEBHOOK_CONCURRENCY = 16;

/** The worker process: sending and reconciling. One entry, one close for all. */
export async function startWorkers(deps: Deps, options: WorkerOptions): Promise<RunningWorkers> {
  const sending = sendDeps(deps);
  // Before the first send: subscribers on their way follow the definition this process runs
  // (docs/sequence.md "Changing the sequence"). If Postgres is not there yet, the reconciler retries.
  const planner = new SequencePlanner(activationDeps(deps));
  await planner.ensureApplied().catch((error: unknown) =>
    deps.logger.warn({ err: error }, "re-planning for the sequence failed at start; the reconciler retries"),
  );
  const send = startSendWorker(deps.queues, sending, {
    concurrency: options.concurrency,
    // The outbox has no provider limit to respect.
    ratePerSecond: deps.transport.name === "resend" ? deps.config.resend.rateLimitPerSecond : undefined,
  });
  // Outgoing webhook calls: their own queue and workers, so a slow CRM never holds back an
  // email; each endpoint is held to its own share (src/notify/webhook-calls.ts).
  const calls = startSendWorker(deps.queues, sending, { queue: QUEUE_NAMES.webhooks, concurrency: WEBHOOK_CONCURRENCY, ratePerSecond: undefined });
  const expansion = new WebhookExpansion({
    sql: deps.db.sql,
    queues: deps.queues,
    logger: deps.logger,
    jobsPerEndpoint: WEBHOOK_ENDPOINT_SHARE.concurrency,
  });
  const announcements = await listenForWebhookEvents({ sql: deps.db.sql, logger: deps.logger, expansion }).catch((error: unknown) => {
    deps.logger.warn({ err: error }, "could not listen for webhook events; the reconciler's passes expand them instead");
    return undefined;
  });
  const events = startEventsWorker(deps.queues, { sql: deps.db.sql, logger: deps.logger }, deps.logger);
  const reconciler = instrumentReconciler(new Reconciler({
    sql: deps.db.sql,
    queues: deps.queues,
    logger: deps.logger,
    leaseSeconds: CLAIM_LEASE_SECONDS,
    planner,
    webhookEvents: expansion,
  }), deps.metrics);
  // Keeps the stats rollup caught up (src/db/stats-functions.ts); publishes this process's metrics for /metrics.
  const statsFolder = startStatsFoldLoop(deps.db.sql, deps.logger);
  const metricsPublisher = startSnapshotPublisher(deps.db.sql, deps.metrics, deps.logger);
  const tasks = maintenanceTasks(
    {
      sql: deps.db.sql,
      queues: deps.queues,
      logger: deps.logger,
      pendingTtlDays: deps.config.pendingTtlDays,
      signals: deps.signals,
      engagementRetentionDays: deps.config.engagementRetentionDays,
      auditRetentionDays: deps.config.auditRetentionDays,
    },
    options.reconcileEveryMs,
  );
  const maintenance = await startMaintenanceWorker(deps.queues, reconciler, deps.logger, options.reconcileEveryMs, tasks);
  deps.logger.info({ transport: deps.transport.name, concurrency: options.concurrency }, "workers started");
  return {
    async close() {
      maintenance.stop();
      await expansion.stop();
      await announcements?.stop().catch(() => undefined);
      await Promise.all([send.close(), calls.close(), events.close(), maintenance.worker.close()]);
      await Promise.all([statsFolder.stop(), metricsPublisher.stop()]);
    },
  };
}
