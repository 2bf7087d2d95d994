import type postgres from "postgres";
import type { Logger } from "../logger.js";
import type { Queues } from "../queue/queues.js";
import type { ScheduledDelivery } from "../db/queries/deliveries.js";
import { completeEnrollments, finishedSteps, latestAnswers, lockEnrollments, scheduleNextDeliveries, type NextStep } from "../db/queries/sequence-steps.js";
import { planNext, type ScheduleSettings } from "./plan.js";
import type { SequenceDefinition } from "./sequence.js";

export interface AdvanceSettings {
  sequence: SequenceDefinition;
  schedule: ScheduleSettings;
}

/** What the campaign's writers need: the raw pool, the queues (enqueued after the commit), the sequence. */
export interface CampaignDeps extends AdvanceSettings {
  sql: postgres.Sql;
  queues: Pick<Queues, "enqueueDeliveries">;
  logger: Logger;
}

export interface EnrollmentRef {
  id: number;
  /** The subscriber's IANA zone, null for the configured default. */
  timezone: string | null;
  /** Counts as the last send when the enrollment has finished no step yet. */
  startedAt: Date;
}

/**
 * In the transaction that closes steps (or re-plans an enrollment): each enrollment gets its next
 * step's row, or completes when none is left. Five statements however many enrollments (a batch of
 * 100 closes as cheaply as one); the caller enqueues the returned deliveries after the commit.
 */
export async function advanceEnrollments(
  tx: postgres.TransactionSql,
  settings: AdvanceSettings,
  advancing: { enrollment: EnrollmentRef; lastStep: string | undefined }[],
): Promise<ScheduledDelivery[]> {
  if (advancing.length === 0) return [];
  const ids = advancing.map((a) => a.enrollment.id);
  await lockEnrollments(tx, ids);
  const [finished, answers] = [await finishedSteps(tx, ids), await latestAnswers(tx, ids)];
  const next: NextStep[] = [];
  const done: { enrollmentId: number; lastStep: string | undefined }[] = [];
  for (const { enrollment, lastStep } of advancing) {
    const plan = planNext(
      settings.sequence,
      finished.get(enrollment.id) ?? [],
      enrollment.startedAt,
      settings.schedule,
      enrollment.timezone,
      answers.get(enrollment.id),
    );
    if (plan) next.push({ enrollmentId: enrollment.id, step: plan.step.key, dueAt: plan.dueAt, lastStep });
    else done.push({ enrollmentId: enrollment.id, lastStep });
  }
  await completeEnrollments(tx, done);
  return scheduleNextDeliveries(tx, next);
}

/** advanceEnrollments for one enrollment. */
export async function advanceEnrollment(
  tx: postgres.TransactionSql,
  settings: AdvanceSettings,
  enrollment: EnrollmentRef,
  lastStep: string | undefined,
): Promise<ScheduledDelivery | undefined> {
  const [next] = await advanceEnrollments(tx, settings, [{ enrollment, lastStep }]);
  return next;
}
