import type postgres from "postgres";
import type { ScheduledDelivery } from "./deliveries.js";
import { asDate, asDateOrNull } from "./values.js";

/**
 * The SQL behind (re)activating a subscriber: a double opt-in confirmation, or the "resubscribe"
 * undo on the unsubscribe page. Each function runs inside the caller's transaction.
 */

export interface LockedSubscriber {
  id: string;
  status: "pending" | "active" | "unsubscribed" | "bounced" | "complained";
  leftAt: Date | null;
  confirmationRequestedAt: Date | null;
  erasedAt: Date | null;
  timezone: string | null;
}

/** Reads the subscriber and locks its row until the transaction ends (two clicks, one outcome). */
export async function lockSubscriber(tx: postgres.TransactionSql, id: string): Promise<LockedSubscriber | undefined> {
  const [row] = await tx<Record<string, unknown>[]>`
    select id, status, left_at, confirmation_requested_at, erased_at, timezone
      from subscribers where id = ${id} for update`;
  if (!row) return undefined;
  return {
    id: String(row.id),
    status: row.status as LockedSubscriber["status"],
    leftAt: asDateOrNull(row.left_at),
    confirmationRequestedAt: asDateOrNull(row.confirmation_requested_at),
    erasedAt: asDateOrNull(row.erased_at),
    timezone: (row.timezone as string | null) ?? null,
  };
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
  const rows = await tx<{ id: string; due_at: unknown }[]>`
    with enrollment as (
      insert into enrollments (subscriber_id, sequence, state, next_step, next_send_at)
      values (${subscriberId}, ${sequence}, 'active', ${firstStep}, now())
      on conflict (subscriber_id, sequence) do nothing
      returning id, subscriber_id
    )
    insert into deliveries (enrollment_id, subscriber_id, step, state, due_at)
    select id, subscriber_id, ${firstStep}, 'scheduled', now() from enrollment
    returning id, due_at`;
  const row = rows[0];
  return row ? { id: Number(row.id), dueAt: asDate(row.due_at) } : undefined;
}

export interface ReopenedEnrollment {
  id: number;
  createdAt: Date;
}

/** A stopped enrollment becomes active again; completed and active ones are left alone. */
export async function reopenEnrollment(
  tx: postgres.TransactionSql,
  subscriberId: string,
  sequence: string,
): Promise<ReopenedEnrollment | undefined> {
  const [row] = await tx<{ id: string; created_at: unknown }[]>`
    update enrollments set state = 'active', ended_at = null, updated_at = now()
     where subscriber_id = ${subscriberId} and sequence = ${sequence} and state = 'stopped'
    returning id, created_at`;
  return row ? { id: Number(row.id), createdAt: asDate(row.created_at) } : undefined;
}

/**
 * The deliveries cancelled when the subscriber left were never handed to the provider (leave()
 * cancels only scheduled rows; a claim cancels before the call), so reviving them sends nothing
 * twice. A row never attempted is due no earlier than now, rendered afresh; a row that was
 * attempted keeps its due time, so a retry carries the very same payload under its idempotency key.
 */
export async function reviveCancelledDeliveries(tx: postgres.TransactionSql, enrollmentId: number): Promise<ScheduledDelivery[]> {
  const rows = await tx<{ id: string; step: string; due_at: unknown }[]>`
    update deliveries
       set state = 'scheduled',
           claimed_at = null,
           due_at = case when attempts = 0 then greatest(due_at, now()) else due_at end,
           updated_at = now()
     where enrollment_id = ${enrollmentId} and state = 'cancelled'
    returning id, step, due_at`;
  const revived = rows.map((r) => ({ id: Number(r.id), step: r.step, dueAt: asDate(r.due_at) }));
  const first = [...revived].sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime())[0];
  if (first) {
    await tx`
      update enrollments set next_step = ${first.step}, next_send_at = ${first.dueAt}, updated_at = now()
       where id = ${enrollmentId}`;
  }
  return revived.map(({ id, dueAt }) => ({ id, dueAt }));
}

/** Status as the unsubscribe page needs it; undefined when no such subscriber. */
export async function subscriberState(
  sql: postgres.Sql,
  id: string,
): Promise<{ status: LockedSubscriber["status"]; erased: boolean } | undefined> {
  const [row] = await sql<{ status: string; erased_at: unknown }[]>`
    select status, erased_at from subscribers where id = ${id}`;
  return row ? { status: row.status as LockedSubscriber["status"], erased: row.erased_at !== null } : undefined;
}
