import type postgres from "postgres";
import {
  completeEnrollment,
  finishedSteps,
  scheduleNextDelivery,
  type ScheduledDelivery,
} from "../db/queries/deliveries.js";
import { planNext, type ScheduleSettings } from "./plan.js";
import type { SequenceDefinition } from "./sequence.js";

export interface AdvanceSettings {
  sequence: SequenceDefinition;
  schedule: ScheduleSettings;
}

export interface EnrollmentRef {
  id: number;
  /** The subscriber's IANA zone, null for the configured default. */
  timezone: string | null;
  /** Counts as the last send when the enrollment has finished no step yet. */
  startedAt: Date;
}

/**
 * Inside the transaction that closes a step (or re-plans an enrollment): the row of the step the
 * definition says comes next, or — when none is left — the enrollment ends as completed. The
 * caller enqueues the returned delivery after the commit.
 */
export async function advanceEnrollment(
  tx: postgres.TransactionSql,
  settings: AdvanceSettings,
  enrollment: EnrollmentRef,
  lastStep: string | undefined,
): Promise<ScheduledDelivery | undefined> {
  const finished = await finishedSteps(tx, enrollment.id);
  const next = planNext(settings.sequence, finished, enrollment.startedAt, settings.schedule, enrollment.timezone);
  if (!next) {
    await completeEnrollment(tx, enrollment.id, lastStep);
    return undefined;
  }
  return scheduleNextDelivery(tx, enrollment.id, next.step.key, next.dueAt, lastStep);
}
