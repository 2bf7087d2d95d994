import type postgres from "postgres";
import type { Logger } from "../src/logger.js";
import { purgeUnconfirmed } from "../src/campaign/purge.js";
import { strandedConfirmations } from "../src/db/queries/confirmations.js";
import { unprocessedEvents } from "../src/db/queries/email-events.js";
import type { Queues } from "../src/queue/queues.js";
import { MAINTENANCE_JOBS } from "../src/queue/jobs.js";
import type { MaintenanceTask } from "./reconcile-worker.js";

export interface ConsentUpkeepDeps {
  sql: postgres.Sql;
  queues: Pick<Queues, "enqueueConfirmations" | "enqueueEvents">;
  logger: Logger;
  leaseSeconds: number;
  pendingTtlDays: number;
}

/** Jobs are enqueued right after their commit; only rows older than this can have lost theirs. */
const GRACE_SECONDS = 10;
const PAGE = 1000;
/** Pending requests live for days: checking every ten minutes is precise enough. */
export const PURGE_EVERY_MS = 10 * 60_000;

/**
 * The consent feature's periodic jobs on the maintenance queue:
 *  - consent-upkeep: Postgres is the source of truth (invariant 2) for confirmation emails and
 *    stored webhook events as for deliveries — every pending one gets its job back if it was lost
 *    (adding an id that exists is a no-op; the claim guards the send).
 *  - purge-pending: deletes the double opt-in requests nobody confirmed within PENDING_TTL_DAYS.
 */
export function consentMaintenanceTasks(deps: ConsentUpkeepDeps, upkeepEveryMs: number): MaintenanceTask[] {
  return [
    {
      name: MAINTENANCE_JOBS.consentUpkeep,
      everyMs: upkeepEveryMs,
      async run() {
        const confirmations = await strandedConfirmations(deps.sql, {
          graceSeconds: GRACE_SECONDS,
          leaseSeconds: deps.leaseSeconds,
          limit: PAGE,
        });
        await deps.queues.enqueueConfirmations(confirmations);
        const events = await unprocessedEvents(deps.sql, GRACE_SECONDS, PAGE);
        await deps.queues.enqueueEvents(events);
        return { confirmations: confirmations.length, events: events.length };
      },
    },
    {
      name: MAINTENANCE_JOBS.purgePending,
      everyMs: PURGE_EVERY_MS,
      run: () => purgeUnconfirmed(deps.sql, deps.logger, deps.pendingTtlDays),
    },
  ];
}
