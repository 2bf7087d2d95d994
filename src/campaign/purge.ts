import type postgres from "postgres";
import type { Logger } from "../logger.js";
import { purgeExpiredPending } from "../db/queries/confirmations.js";

const DAY_SECONDS = 24 * 60 * 60;

/**
 * Deletes every double opt-in request nobody confirmed within PENDING_TTL_DAYS (GDPR art. 5(1)(e):
 * an address nobody confirmed is not kept). Pages of 1000 so one run never holds long locks.
 */
export async function purgeUnconfirmed(sql: postgres.Sql, logger: Logger, pendingTtlDays: number): Promise<number> {
  let total = 0;
  for (;;) {
    const deleted = await purgeExpiredPending(sql, Math.round(pendingTtlDays * DAY_SECONDS));
    total += deleted;
    if (deleted < 1000) break;
  }
  if (total > 0) logger.info({ purged: total }, "deleted unconfirmed signups past PENDING_TTL_DAYS");
  return total;
}
