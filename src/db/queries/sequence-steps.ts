import type postgres from "postgres";
import type { ScheduledDelivery } from "./deliveries.js";

/** The sequence's side of its messages (kind 'step'): what an enrollment finished, what comes next. */

/**
 * The steps each enrollment is done with (sent, or failed for good) and when: the planner's input.
 * A failed row's finish is its last update (it is never updated again).
 */
export async function finishedSteps(
  tx: postgres.TransactionSql,
  enrollmentIds: number[],
): Promise<Map<number, { step: string; finishedAt: Date }[]>> {
  const byEnrollment = new Map<number, { step: string; finishedAt: Date }[]>(enrollmentIds.map((id) => [id, []]));
  if (enrollmentIds.length === 0) return byEnrollment;
  const rows = await tx<{ enrollmentId: number; step: string; finishedAt: Date }[]>`
    select enrollment_id as "enrollmentId", step, coalesce(sent_at, updated_at) as "finishedAt" from deliveries
     where enrollment_id = any(${enrollmentIds}::bigint[]) and kind = 'step' and state in ('sent', 'failed')`;
  for (const r of rows) byEnrollment.get(r.enrollmentId)?.push({ step: r.step, finishedAt: r.finishedAt });
  return byEnrollment;
}

/**
 * Locks the enrollments about to be planned, in id order, before their steps and answers are read:
 * an answer committed meanwhile (src/campaign/check-in.ts, which locks the enrollment FOR UPDATE)
 * is then either seen by this plan or re-plans after it — never lost between the two. No key
 * update, as the UPDATE that follows takes anyway: an answer's or a goal's insert checks its key
 * against the row (FOR KEY SHARE) before it locks it, and FOR UPDATE here would deadlock with that.
 */
export async function lockEnrollments(tx: postgres.TransactionSql, enrollmentIds: number[]): Promise<void> {
  if (enrollmentIds.length === 0) return;
  await tx`select id from enrollments where id = any(${enrollmentIds}::bigint[]) order by id for no key update`;
}

/** Each enrollment's latest check-in answer (the latest wins): the planner's other input. */
export async function latestAnswers(
  tx: postgres.TransactionSql,
  enrollmentIds: number[],
): Promise<Map<number, { answer: "better" | "same" | "worse"; answeredAt: Date }>> {
  if (enrollmentIds.length === 0) return new Map();
  const rows = await tx<{ enrollmentId: number; answer: "better" | "same" | "worse"; answeredAt: Date }[]>`
    select distinct on (enrollment_id) enrollment_id as "enrollmentId", answer, answered_at as "answeredAt"
      from checkin_answers where enrollment_id = any(${enrollmentIds}::bigint[])
     order by enrollment_id, answered_at desc, id desc`;
  return new Map(rows.map((r) => [r.enrollmentId, { answer: r.answer, answeredAt: r.answeredAt }]));
}

/** The next step of an enrollment: `lastStep` is the step just finished, if any. */
export interface NextStep {
  enrollmentId: number;
  step: string;
  dueAt: Date;
  lastStep: string | undefined;
}

/**
 * Schedules still-active enrollments' next steps (one statement: who left meanwhile gets no row); the
 * unique (enrollment, step) key makes repeats no-ops. A re-plan (no `lastStep`) keeps current_step.
 */
export async function scheduleNextDeliveries(tx: postgres.TransactionSql, next: NextStep[]): Promise<ScheduledDelivery[]> {
  if (next.length === 0) return [];
  return tx<ScheduledDelivery[]>`
    with input as (
      select * from unnest(${next.map((n) => n.enrollmentId)}::bigint[], ${next.map((n) => n.step)}::text[],
                           ${next.map((n) => n.dueAt.toISOString())}::timestamptz[], ${next.map((n) => n.lastStep ?? null)}::text[])
               as i(enrollment_id, step, due_at, last_step)
    ), enrollment as (
      update enrollments e
         set current_step = coalesce(i.last_step, e.current_step), next_step = i.step, next_send_at = i.due_at,
             updated_at = now()
        from input i
       where e.id = i.enrollment_id and e.state = 'active'
      returning e.id, e.subscriber_id, i.step, i.due_at
    )
    insert into deliveries (kind, enrollment_id, subscriber_id, step, state, due_at)
    select 'step', id, subscriber_id, step, 'scheduled', due_at from enrollment
     order by id
    on conflict (enrollment_id, step) do nothing
    returning id, due_at as "dueAt"`;
}

/** Ends enrollments that have no step left, as completed. */
export async function completeEnrollments(
  tx: postgres.TransactionSql,
  done: { enrollmentId: number; lastStep: string | undefined }[],
): Promise<void> {
  if (done.length === 0) return;
  await tx`
    update enrollments e
       set state = 'completed', current_step = coalesce(i.last_step, e.current_step), next_step = null,
           next_send_at = null, ended_at = now(), updated_at = now()
      from unnest(${done.map((d) => d.enrollmentId)}::bigint[], ${done.map((d) => d.lastStep ?? null)}::text[]) as i(id, last_step)
     where e.id = i.id and e.state = 'active'`;
}
