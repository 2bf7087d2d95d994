import type postgres from "postgres";
import { asDate } from "./values.js";

export interface ClaimedDelivery {
  id: number;
  enrollmentId: number;
  subscriberId: string;
  step: string;
  /** "sending": ours to send. "cancelled": the subscriber left or the enrollment ended. */
  state: "sending" | "cancelled";
  attempts: number;
  /** Fixed at scheduling time; links derived from it stay identical on every retry. */
  dueAt: Date;
  email: string;
  firstName: string | null;
  timezone: string | null;
  /** The batch this delivery was claimed into, if any (see src/db/queries/batches.ts). */
  batchKey: string | null;
  noBatch: boolean;
}

export type ClaimResult =
  | { claimed: ClaimedDelivery }
  | { claimed: undefined; state: "sent" | "failed" | "cancelled" | "gone" }
  /** inBatch: held as a member of another delivery's batch, which that delivery's job drives. */
  | { claimed: undefined; state: "busy"; until: Date; inBatch: boolean }
  | { claimed: undefined; state: "notDue"; dueAt: Date };

/**
 * Claims a delivery for sending (DESIGN.md invariants 3 and 4). The subscriber's status is
 * read here, in the same statement as the claim, so leaving between enqueue and send stops
 * the email. A claim older than `leaseSeconds` belongs to a worker that died mid-call and
 * may be taken over: the provider call repeats under the same idempotency key, a replay.
 */
export async function claimDelivery(sql: postgres.Sql, id: number, leaseSeconds: number): Promise<ClaimResult> {
  const rows = await sql<Record<string, unknown>[]>`
    update deliveries d
       set state = case when s.status = 'active' and e.state = 'active'
                        then 'sending'::delivery_state else 'cancelled'::delivery_state end,
           attempts = d.attempts + 1,
           claimed_at = now(),
           updated_at = now()
      from subscribers s, enrollments e
     where d.id = ${id}
       and s.id = d.subscriber_id
       and e.id = d.enrollment_id
       and d.due_at <= now() + interval '1 second'
       and (d.state = 'scheduled'
            -- claimed_at null: a batch given back after a failed attempt, to be sent again as is.
            or (d.state = 'sending' and (d.claimed_at is null or d.claimed_at < now() - make_interval(secs => ${leaseSeconds}))))
    returning d.id, d.enrollment_id, d.subscriber_id, d.step, d.state, d.attempts, d.due_at,
              d.batch_key, d.no_batch, s.email, s.first_name, s.timezone`;
  const row = rows[0];
  if (row) return { claimed: toClaimed(row) };
  const [current] = await sql<{ state: string; due_at: Date; claimed_at: Date | null; batch_key: string | null }[]>`
    select state, due_at, claimed_at, batch_key from deliveries where id = ${id}`;
  if (!current) return { claimed: undefined, state: "gone" };
  if (current.state === "sending") {
    return {
      claimed: undefined,
      state: "busy",
      until: new Date((current.claimed_at ? asDate(current.claimed_at).getTime() : 0) + leaseSeconds * 1000),
      inBatch: current.batch_key !== null,
    };
  }
  if (current.state === "scheduled") return { claimed: undefined, state: "notDue", dueAt: asDate(current.due_at) };
  return { claimed: undefined, state: current.state as "sent" | "failed" | "cancelled" };
}

/** A claimed row (deliveries joined with its subscriber) as the domain sees it. */
export function toClaimed(row: Record<string, unknown>): ClaimedDelivery {
  return {
    id: Number(row.id),
    enrollmentId: Number(row.enrollment_id),
    subscriberId: String(row.subscriber_id),
    step: String(row.step),
    state: row.state as ClaimedDelivery["state"],
    attempts: Number(row.attempts),
    dueAt: asDate(row.due_at),
    email: String(row.email),
    firstName: (row.first_name as string | null) ?? null,
    timezone: (row.timezone as string | null) ?? null,
    batchKey: (row.batch_key as string | null) ?? null,
    noBatch: Boolean(row.no_batch),
  };
}

/** Gives a claim back after a failed attempt that may be retried; the error is kept. */
export async function releaseDelivery(sql: postgres.Sql, id: number, error: string): Promise<void> {
  await sql`
    update deliveries set state = 'scheduled', claimed_at = null, last_error = ${error}, updated_at = now()
     where id = ${id} and state = 'sending'`;
}

/** What became of a claimed delivery: sent (with the provider's id) or failed for good. */
export type DeliveryResult = { id: number; messageId: string } | { id: number; error: string };

/**
 * Records the outcome of claimed deliveries in one statement. Returns the ids that were still
 * ours ("sending") and so changed — not e.g. a retry of this very transaction whose first commit
 * succeeded but whose answer was lost.
 */
export async function finishDeliveries(tx: postgres.TransactionSql, results: DeliveryResult[]): Promise<Set<number>> {
  if (results.length === 0) return new Set();
  const ids = results.map((r) => r.id);
  const messageIds = results.map((r) => ("messageId" in r ? r.messageId : null));
  const errors = results.map((r) => ("error" in r ? r.error : null));
  const rows = await tx<{ id: string }[]>`
    update deliveries d
       set state = case when r.message_id is null then 'failed'::delivery_state else 'sent'::delivery_state end,
           sent_at = case when r.message_id is null then d.sent_at else now() end,
           provider_message_id = coalesce(r.message_id, d.provider_message_id),
           last_error = r.error,
           updated_at = now()
      from unnest(${ids}::bigint[], ${messageIds}::text[], ${errors}::text[]) as r(id, message_id, error)
     where d.id = r.id and d.state = 'sending'
    returning d.id`;
  return new Set(rows.map((r) => Number(r.id)));
}

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
  const rows = await tx<{ enrollment_id: string; step: string; finished_at: Date }[]>`
    select enrollment_id, step, coalesce(sent_at, updated_at) as finished_at from deliveries
     where enrollment_id = any(${enrollmentIds}::bigint[]) and state in ('sent', 'failed')`;
  for (const r of rows) byEnrollment.get(Number(r.enrollment_id))?.push({ step: r.step, finishedAt: asDate(r.finished_at) });
  return byEnrollment;
}

/**
 * Removes a delivery this worker claimed but will not send (its step left the sequence). Nothing
 * went to the provider under its key, so the row can go; its job finds it gone and does nothing.
 */
export async function discardClaimedDelivery(tx: postgres.TransactionSql, id: number): Promise<boolean> {
  const rows = await tx`delete from deliveries where id = ${id} and state = 'sending' returning id`;
  return rows.length === 1;
}

export interface ScheduledDelivery {
  id: number;
  dueAt: Date;
}

/** The next step of an enrollment: `lastStep` is the step just finished, if any. */
export interface NextStep {
  enrollmentId: number;
  step: string;
  dueAt: Date;
  lastStep: string | undefined;
}

/**
 * Schedules the next step of enrollments that are still active (one statement: a subscriber who
 * left meanwhile gets no new row). The unique (enrollment, step) key makes a repeat a no-op.
 * A re-plan passes no `lastStep` and keeps current_step as it was.
 */
export async function scheduleNextDeliveries(tx: postgres.TransactionSql, next: NextStep[]): Promise<ScheduledDelivery[]> {
  if (next.length === 0) return [];
  const rows = await tx<{ id: string; due_at: Date }[]>`
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
    insert into deliveries (enrollment_id, subscriber_id, step, state, due_at)
    select id, subscriber_id, step, 'scheduled', due_at from enrollment
     order by id
    on conflict (enrollment_id, step) do nothing
    returning id, due_at`;
  return rows.map((r) => ({ id: Number(r.id), dueAt: asDate(r.due_at) }));
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

/**
 * Every pending delivery, for the reconciler after the queue store lost its data: scheduled rows
 * due before `dueBefore` and claims abandoned longer than the lease (or given back after a
 * failed attempt). Paged by id.
 */
export async function pendingDeliveries(
  sql: postgres.Sql,
  options: { afterId: number; limit: number; dueBefore: Date; leaseSeconds: number },
): Promise<ScheduledDelivery[]> {
  const rows = await sql<{ id: string; due_at: Date }[]>`
    select id, due_at from deliveries
     where id > ${options.afterId}
       and ((state = 'scheduled' and due_at < ${options.dueBefore})
            or (state = 'sending' and (claimed_at is null or claimed_at < now() - make_interval(secs => ${options.leaseSeconds}))))
     order by id
     limit ${options.limit}`;
  return rows.map((r) => ({ id: Number(r.id), dueAt: asDate(r.due_at) }));
}

/**
 * The scheduled delivery due longest ago (at least `waitingSeconds` ago) that can lead a batch —
 * never tried (a row tried before has its own job, retrying it), reader still on the list: the
 * one the next batch should be formed around. Along deliveries_pending_due_idx; if the 20 oldest
 * all belong to readers who left, none (their own jobs, or the overdue pass, cancel them).
 */
export async function oldestDueDelivery(sql: postgres.Sql, waitingSeconds = 0): Promise<ScheduledDelivery | undefined> {
  // The few oldest first, along the index; then who is still on the list. (Joined directly, the
  // planner may hash-join every subscriber to find one row.)
  const [row] = await sql<{ id: string; due_at: Date }[]>`
    with oldest as materialized (
      select id, due_at, subscriber_id, enrollment_id from deliveries
       where state = 'scheduled' and attempts = 0 and not no_batch
         and due_at <= now() - make_interval(secs => ${waitingSeconds})
       order by due_at, id
       limit 20
    )
    select o.id, o.due_at from oldest o
      join subscribers s on s.id = o.subscriber_id and s.status = 'active'
      join enrollments e on e.id = o.enrollment_id and e.state = 'active'
     order by o.due_at, o.id
     limit 1`;
  return row && { id: Number(row.id), dueAt: asDate(row.due_at) };
}

/**
 * Scheduled deliveries due in [from, to): the reconciler's "coming due" pass adds their jobs as
 * they enter the queue's horizon (src/campaign/queue-horizon.ts). The window is a few seconds
 * wide after the first pass, so this reads a handful of rows along deliveries_pending_due_idx.
 * `from` undefined: everything due before `to` (a process's first pass).
 */
export async function comingDueDeliveries(
  sql: postgres.Sql,
  options: { afterId: number; limit: number; from: Date | undefined; to: Date },
): Promise<ScheduledDelivery[]> {
  const rows = await sql<{ id: string; due_at: Date }[]>`
    select id, due_at from deliveries
     where state = 'scheduled'
       and due_at >= coalesce(${options.from ?? null}::timestamptz, '-infinity') and due_at < ${options.to}
       and id > ${options.afterId}
     order by id
     limit ${options.limit}`;
  return rows.map((r) => ({ id: Number(r.id), dueAt: asDate(r.due_at) }));
}

/**
 * Deliveries stuck past their time: scheduled ones overdue by more than `graceSeconds`, and
 * claims abandoned longer than the lease. Their job may be gone, or ended (failed after its
 * retries while Postgres was down) — and an ended job's id makes a plain add a no-op.
 */
export async function overdueDeliveries(
  sql: postgres.Sql,
  options: { graceSeconds: number; leaseSeconds: number; limit: number },
): Promise<ScheduledDelivery[]> {
  const rows = await sql<{ id: string; due_at: Date }[]>`
    select id, due_at from deliveries
     where (state = 'scheduled' and due_at < now() - make_interval(secs => ${options.graceSeconds}))
        or (state = 'sending' and (claimed_at is null or claimed_at < now() - make_interval(secs => ${options.leaseSeconds})))
     order by due_at
     limit ${options.limit}`;
  return rows.map((r) => ({ id: Number(r.id), dueAt: asDate(r.due_at) }));
}
