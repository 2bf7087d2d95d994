import { createHash } from "node:crypto";
import type postgres from "postgres";
import { toClaimed, type ClaimedDelivery } from "./deliveries.js";
import { asDate } from "./values.js";

/**
 * A batch is a unit of sending like a delivery (DESIGN.md invariant 3): its members are recorded
 * (deliveries.batch_key) in the same transaction that claims them, before the provider call,
 * and its idempotency key is derived from exactly those members. A retry re-sends the same
 * members under the same key — a replay at the provider — and never regroups them.
 */
export function batchKeyOf(deliveryIds: number[]): string {
  const ids = [...deliveryIds].sort((a, b) => a - b).join(",");
  return `fur-batch-${createHash("sha256").update(ids).digest("hex").slice(0, 40)}`;
}

/**
 * Claims up to `limit` more due deliveries to go out with `leader` in one batch request: same
 * rules as a single claim (subscriber and enrollment still active, due, a step the sequence
 * knows), rows other workers hold are skipped, and the whole group — leader included — gets its
 * batch key in the same statement. The key is batchKeyOf() computed in SQL, so claiming and
 * recording the group is one round trip. Returns every member in id order (the payload's
 * order); just the leader, without a key, when nothing joins it.
 */
export async function formBatch(
  sql: postgres.Sql,
  leader: ClaimedDelivery,
  options: { limit: number; steps: string[] },
): Promise<{ key: string | undefined; members: ClaimedDelivery[] }> {
  const rows = await sql<Record<string, unknown>[]>`
    with picked as (
      -- Oldest due first (ties by id: the order a full batch hands on in, deliver.ts) along
      -- deliveries_pending_due_idx: the scan stops after \`limit\` rows.
      -- attempts = 0: a row ever tried on its own keeps its own idempotency key for good; put
      -- into a batch it would go out again under the batch's key, a second email.
      select d.id from deliveries d
       where d.state = 'scheduled' and d.attempts = 0 and not d.no_batch and d.due_at <= now()
         and d.id <> ${leader.id} and d.step = any(${options.steps})
       order by d.due_at, d.id
       limit ${options.limit}
       for update skip locked
    ), members as (
      -- Someone who left meanwhile is not picked: their row's own job cancels it.
      select p.id from picked p
        join deliveries d on d.id = p.id
        join subscribers s on s.id = d.subscriber_id and s.status = 'active'
        join enrollments e on e.id = d.enrollment_id and e.state = 'active'
      union all
      select ${leader.id}::bigint
    ), batch as (
      select 'fur-batch-' || left(encode(sha256(convert_to(string_agg(id::text, ',' order by id), 'UTF8')), 'hex'), 40) as key,
             count(*) as size
        from members
    )
    update deliveries d
       set state = 'sending', attempts = case when d.id = ${leader.id} then d.attempts else d.attempts + 1 end,
           claimed_at = now(), batch_key = b.key, updated_at = now()
      from members m, batch b, subscribers s
     where d.id = m.id and b.size > 1 and s.id = d.subscriber_id
    returning d.id, d.enrollment_id, d.subscriber_id, d.step, d.state, d.attempts, d.due_at,
              d.batch_key, d.no_batch, s.email, s.first_name, s.timezone`;
  if (rows.length === 0) return { key: undefined, members: [leader] };
  // One canonical order (by id), whoever drives a retry: the batch payload must be identical,
  // or the provider answers the reused key with a 409 instead of a replay.
  const members = rows.map(toClaimed).sort((a, b) => a.id - b.id);
  return { key: members[0]!.batchKey!, members };
}

/** The members of a batch claimed before (a retry): claimed again, as they are, in id order. */
export async function reclaimBatch(sql: postgres.Sql, leader: ClaimedDelivery): Promise<ClaimedDelivery[]> {
  const rows = await sql<Record<string, unknown>[]>`
    update deliveries d set claimed_at = now(), attempts = d.attempts + 1, updated_at = now()
      from subscribers s
     where d.batch_key = ${leader.batchKey} and d.state = 'sending' and d.id <> ${leader.id} and s.id = d.subscriber_id
    returning d.id, d.enrollment_id, d.subscriber_id, d.step, d.state, d.attempts, d.due_at,
              d.batch_key, d.no_batch, s.email, s.first_name, s.timezone`;
  return [leader, ...rows.map(toClaimed)].sort((a, b) => a.id - b.id);
}

/**
 * After a failed attempt that may be retried: the members stay together ("sending", same key)
 * but unheld, so the next attempt — by the leader's job or any member's — sends them again.
 */
export async function releaseBatch(sql: postgres.Sql, key: string, error: string): Promise<void> {
  await sql`
    update deliveries set claimed_at = null, last_error = ${error}, updated_at = now()
     where batch_key = ${key} and state = 'sending'`;
}

/**
 * The provider refused the batch itself (a 4xx: nothing was sent), e.g. one address it will not
 * take: the members go out one by one instead, so one bad address cannot hold back the rest.
 * Regrouping is safe only here, because a refused request sent nothing.
 */
export async function dissolveBatch(
  sql: postgres.Sql,
  key: string,
  error: string,
): Promise<{ id: number; dueAt: Date }[]> {
  const rows = await sql<{ id: string; due_at: Date }[]>`
    update deliveries
       set state = 'scheduled', batch_key = null, no_batch = true, claimed_at = null, last_error = ${error}, updated_at = now()
     where batch_key = ${key} and state = 'sending'
    returning id, due_at`;
  return rows.map((r) => ({ id: Number(r.id), dueAt: asDate(r.due_at) }));
}
