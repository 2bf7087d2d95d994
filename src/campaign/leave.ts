import type postgres from "postgres";
import type { ConsentEvent } from "../db/queries/activation.js";
import { leaveSubscriber, type LeftStatus } from "../db/queries/leaving.js";

/**
 * Why a subscriber stops receiving email. Each maps to the subscriber status the stats count.
 * `removed` is an admin's action and counts as unsubscribed.
 */
export type LeaveReason = "unsubscribed" | "bounced" | "complained" | "removed";

const STATUS: Record<LeaveReason, LeftStatus> = {
  unsubscribed: "unsubscribed",
  bounced: "bounced",
  complained: "complained",
  removed: "unsubscribed",
};

/**
 * Stops every future send to a subscriber at once (DESIGN.md invariant 4), in one statement
 * (src/db/queries/leaving.ts): status and left_at, active enrollments stopped, scheduled
 * deliveries cancelled. Jobs already queued find a non-active subscriber when they claim and
 * send nothing. Idempotent: leaving twice keeps the first time and reason, except that a bounce
 * or complaint overrides a plain unsubscribe. A `withdrawal` consent event is recorded by the
 * same statement, only if this call is the one that unsubscribed an active or pending reader.
 * Returns false if no such subscriber.
 *
 * A worker closing a sent step locks that delivery, then its enrollment; this statement touches
 * the same two rows, in an order of the planner's. Postgres breaks such a deadlock by aborting
 * one side: when it is this one, the statement is run again (it is idempotent), so a reader's
 * unsubscribe never fails for it.
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
