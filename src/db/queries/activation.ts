import type postgres from "postgres";
import type { Enrollment, Subscriber } from "../schema/index.js";
import type { ScheduledDelivery } from "./deliveries.js";

/**
 * The SQL behind (re)activating a subscriber (a double opt-in confirmation, or "resubscribe"), run
 * in the caller's postgres.js transaction (src/campaign/activate.ts): typed SQL, docs/architecture.md "Queries".
 */

export type LockedSubscriber = Pick<Subscriber, "id" | "status" | "leftAt" | "confirmationRequestedAt" | "erasedAt" | "timezone">;

/**
 * Reads the subscriber; in a transaction, `lock` keeps its row locked until it ends (two clicks,
 * one outcome). Without the lock: what a page may say before anything changes.
 */
export async function readSubscriber(
  sql: postgres.Sql | postgres.TransactionSql,
  id: string,
  lock = false,
): Promise<LockedSubscriber | undefined> {
  const [row] = await sql<LockedSubscriber[]>`
    select id, status, left_at as "leftAt", confirmation_requested_at as "confirmationRequestedAt",
           erased_at as "erasedAt", timezone
      from subscribers where id = ${id} ${lock ? sql`for update` : sql``}`;
  return row;
}

/** Active again; a confirmation records its time (the consent row records the rest). */
export async function markActive(tx: postgres.TransactionSql, id: string, confirmed: boolean): Promise<void> {
  await tx`
    update subscribers
       set status = 'active',
           confirmed_at = case when ${confirmed} then now() else coalesce(confirmed_at, now()) end,
           left_at = null,
           updated_at = now()
     where id = ${id}`;
}

export interface ConsentEvent {
  subscriberId: string;
  kind: string;
  ip: string | undefined;
  userAgent: string | undefined;
  formVersion: string;
  wording: string;
}

/** Records one consent event; nothing when the subscriber is gone meanwhile (purged, never an error). */
export async function insertConsent(sql: postgres.Sql | postgres.TransactionSql, c: ConsentEvent): Promise<void> {
  await sql`
    insert into consents (subscriber_id, kind, ip, user_agent, form_version, wording)
    select id, ${c.kind}, ${c.ip ?? null}, ${c.userAgent ?? null}, ${c.formVersion}, ${c.wording}
      from subscribers where id = ${c.subscriberId}`;
}

/**
 * A first enrollment and its first delivery, due now — exactly what a plain signup creates.
 * Undefined when the subscriber already has an enrollment in this sequence.
 */
export async function startEnrollment(
  tx: postgres.TransactionSql,
  subscriberId: string,
  sequence: string,
  firstStep: string,
): Promise<ScheduledDelivery | undefined> {
  const [row] = await tx<ScheduledDelivery[]>`
    with enrollment as (
      insert into enrollments (subscriber_id, sequence, state, next_step, next_send_at)
      values (${subscriberId}, ${sequence}, 'active', ${firstStep}, now())
      on conflict (subscriber_id, sequence) do nothing
      returning id, subscriber_id
    )
    insert into deliveries (enrollment_id, subscriber_id, step, state, due_at)
    select id, subscriber_id, ${firstStep}, 'scheduled', now() from enrollment
    returning id, due_at as "dueAt"`;
  return row;
}

export type ReopenedEnrollment = Pick<Enrollment, "id" | "createdAt">;

/** A stopped enrollment becomes active again; completed and active ones are left alone. */
export async function reopenEnrollment(
  tx: postgres.TransactionSql,
  subscriberId: string,
  sequence: string,
): Promise<ReopenedEnrollment | undefined> {
  const [row] = await tx<ReopenedEnrollment[]>`
    update enrollments set state = 'active', ended_at = null, updated_at = now()
     where subscriber_id = ${subscriberId} and sequence = ${sequence} and state = 'stopped'
    returning id, created_at as "createdAt"`;
  return row;
}

/**
 * The deliveries cancelled when the subscriber left were never handed to the provider (leave()
 * cancels only scheduled rows; a claim cancels before the call), so reviving them sends nothing
 * twice. A row never attempted is due no earlier than now, rendered afresh; a row that was
 * attempted keeps its due time, so a retry carries the very same payload under its idempotency key.
 */
export async function reviveCancelledDeliveries(tx: postgres.TransactionSql, enrollmentId: number): Promise<ScheduledDelivery[]> {
  const revived = await tx<(ScheduledDelivery & { step: string })[]>`
    update deliveries
       set state = 'scheduled',
           claimed_at = null,
           due_at = case when attempts = 0 then greatest(due_at, now()) else due_at end,
           updated_at = now()
     where enrollment_id = ${enrollmentId} and kind = 'step' and state = 'cancelled'
    returning id, step, due_at as "dueAt"`;
  const first = [...revived].sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime())[0];
  if (first) {
    await tx`
      update enrollments set next_step = ${first.step}, next_send_at = ${first.dueAt}, updated_at = now()
       where id = ${enrollmentId}`;
  }
  return revived.map(({ id, dueAt }) => ({ id, dueAt }));
}
