import type postgres from "postgres";
import type { ConsentEvent } from "../db/queries/activation.js";
import { leaveSubscriber, type LeftStatus } from "../db/queries/leaving.js";

/** Why a subscriber leaves, each a stats status (an admin's `removed` counts as unsubscribed). */
export type LeaveReason = "unsubscribed" | "bounced" | "complained" | "removed";

const STATUS: Record<LeaveReason, LeftStatus> = {
  unsubscribed: "unsubscribed",
  bounced: "bounced",
  complained: "complained",
  removed: "unsubscribed",
};

/**
 * Stops every future send to a subscriber at once (DESIGN.md invariant 4) in one idempotent
 * statement (leaveSubscriber); queued jobs find them gone at their claim. False if no such one. A
 * worker closing a sent step locks the same two rows in another order: if Postgres breaks that
 * deadlock by aborting this side, the statement reruns, so an unsubscribe never fails for it.
 */
export async function leave(
  sql: postgres.Sql,
  subscriberId: string,
  reason: LeaveReason,
  withdrawal?: ConsentEvent,
): Promise<boolean> {
  for (let attempt = 1; ; attempt++) {
    try {
      return (await leaveSubscriber(sql, subscriberId, STATUS[reason], withdrawal)) !== undefined;
    } catch (error) {
      if ((error as { code?: string }).code !== DEADLOCK || attempt >= 3) throw error;
    }
  }
}

/** PostgreSQL's deadlock_detected (SQLSTATE 40P01). */
const DEADLOCK = "40P01";
