import type postgres from "postgres";
import type { Logger } from "../src/logger.js";
import { purgeUnconfirmed } from "../src/campaign/purge.js";
import { unprocessedEvents } from "../src/db/queries/email-events.js";
import { forgetOldWebhookLog, WEBHOOK_LOG_DAYS } from "../src/db/queries/webhook-calls.js";
import { forgetOldAudit } from "../src/db/queries/admin.js";
import type { Queues } from "../src/queue/queues.js";
import { MAINTENANCE_JOBS } from "../src/queue/jobs.js";
import type { MaintenanceTask } from "./maintenance-worker.js";
import type { LinkSignals } from "../src/signals/signals.js";
import { foldOldEngagement } from "../src/db/queries/engagement-retention.js";

export interface MaintenanceTaskDeps {
  sql: postgres.Sql;
  queues: Pick<Queues, "enqueueEvents">;
  logger: Logger;
  pendingTtlDays: number;
  signals: Pick<LinkSignals, "settle">;
  engagementRetentionDays: number;
  auditRetentionDays: number;
}

/** Jobs are enqueued right after their commit; only rows older than this can have lost theirs. */
const GRACE_SECONDS = 10;
const PAGE = 1000;
/** Pending requests live for days: checking every ten minutes is precise enough. */
export const PURGE_EVERY_MS = 10 * 60_000;

/**
 * The periodic jobs on the maintenance queue besides the reconciler (which re-offers every
 * message the service sends, src/outbound/reconcile.ts):
 *  - events-upkeep: Postgres is the source of truth (invariant 2) for the provider's webhook
 *    events we received too — every stored event left unprocessed gets its job back if it was
 *    lost (adding an id that exists is a no-op; processing is idempotent).
 *  - purge-pending: deletes the double opt-in requests nobody confirmed within PENDING_TTL_DAYS.
 *  - webhook-log: the outgoing webhook log keeps 30 days (issue 16): older events go, with their
 *    finished calls and every attempt of them.
 *  - settle-link-visits: a person's fetch of a link counts once settled; the process that took
 *    it settles it seconds later, this settles what a process that stopped left.
 *  - engagement-retention: per-person engagement older than ENGAGEMENT_RETENTION_DAYS becomes
 *    anonymous counts per cohort and step, without moving a number.
 *  - audit-retention: the admin audit keeps AUDIT_RETENTION_DAYS (365 by default; issue 30).
 */
export function maintenanceTasks(deps: MaintenanceTaskDeps, upkeepEveryMs: number): MaintenanceTask[] {
  return [
    {
      name: MAINTENANCE_JOBS.eventsUpkeep,
      everyMs: upkeepEveryMs,
      async run() {
        const events = await unprocessedEvents(deps.sql, GRACE_SECONDS, PAGE);
        await deps.queues.enqueueEvents(events);
        return { events: events.length };
      },
    },
    {
      name: MAINTENANCE_JOBS.purgePending,
      everyMs: PURGE_EVERY_MS,
      run: () => purgeUnconfirmed(deps.sql, deps.logger, deps.pendingTtlDays),
    },
    {
      name: MAINTENANCE_JOBS.webhookLog,
      everyMs: PURGE_EVERY_MS,
      async run() {
        return { forgotten: await forgetOldWebhookLog(deps.sql, WEBHOOK_LOG_DAYS) };
      },
    },
    {
      name: MAINTENANCE_JOBS.settleLinkVisits,
      everyMs: upkeepEveryMs,
      async run() {
        return { settled: await deps.signals.settle() };
      },
    },
    {
      name: MAINTENANCE_JOBS.engagementRetention,
      everyMs: PURGE_EVERY_MS,
      async run() {
        let folded = 0;
        for (;;) {
          const n = await foldOldEngagement(deps.sql, deps.engagementRetentionDays, PAGE);
          folded += n;
          if (n < PAGE) return { folded };
        }
      },
    },
    {
      name: MAINTENANCE_JOBS.auditRetention,
      everyMs: PURGE_EVERY_MS,
      async run() {
        return { forgotten: await forgetOldAudit(deps.sql, deps.auditRetentionDays) };
      },
    },
  ];
}
