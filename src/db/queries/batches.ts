import type postgres from "postgres";
import type { MessageKind } from "../schema/deliveries.js";
import { CLAIMED_COLUMNS, PREPARED, RECIPIENT_QUALIFIES, type ClaimedMessage, type ScheduledDelivery } from "./deliveries.js";

/**
 * A batch is a unit of sending like a single message (DESIGN.md invariant 3): its members are
 * recorded (batch_key) in the statement that claims them, before the provider call, under a key
 * derived from exactly them (`fur-batch-` and the sha256 of their sorted ids): a retry is a replay.
 */

/**
 * Claims up to `limit` more due messages to go with `leader` in one batch request: a single claim's
 * rules (recipient still qualifying, due), batchable kinds and known steps only, rows other workers
 * hold skipped, and the whole group, leader included, keyed in the same statement. Returns every
 * member in id order (the payload's); just the leader, keyless, when nothing joins it.
 */
export async function formBatch(
  sql: postgres.Sql,
  leader: ClaimedMessage,
  options: { limit: number; kinds: MessageKind[]; steps: string[] },
): Promise<{ key: string | undefined; members: ClaimedMessage[] }> {
  const rows = await sql.unsafe<ClaimedMessage[]>(
    `with picked as (
       -- Oldest due first (ties by id: the order a full batch hands on in, src/outbound/send.ts)
       -- along deliveries_pending_due_idx: the scan stops after the limit.
       -- attempts = 0: a row ever tried on its own keeps its own idempotency key for good; put
       -- into a batch it would go out again under the batch's key, a second email.
       select d.id from deliveries d
        where d.state = 'scheduled' and d.attempts = 0 and not d.no_batch and d.due_at <= now()
          and d.id <> $1 and d.kind = any($2::text[]) and (d.kind <> 'step' or d.step = any($3::text[]))
        order by d.due_at, d.id
        limit $4
        for update skip locked
     ), members as (
       -- Someone who no longer qualifies is not picked: their row's own job cancels it.
       select p.id from picked p
         join deliveries d on d.id = p.id
         join subscribers s on s.id = d.subscriber_id
        where ${RECIPIENT_QUALIFIES}
       union all
       select $1::bigint
     ), batch as (
       select 'fur-batch-' || left(encode(sha256(convert_to(string_agg(id::text, ',' order by id), 'UTF8')), 'hex'), 40) as key,
              count(*) as size
         from members
     )
     update deliveries d
        set state = 'sending', attempts = case when d.id = $1 then d.attempts else d.attempts + 1 end,
            claimed_at = now(), lease = $5::uuid, batch_key = b.key, updated_at = now()
       from members m, batch b, subscribers s
      where d.id = m.id and b.size > 1 and s.id = d.subscriber_id
     returning ${CLAIMED_COLUMNS}`,
    [leader.id, options.kinds, options.steps, options.limit, leader.lease],
    PREPARED,
  );
  if (rows.length === 0) return { key: undefined, members: [leader] };
  // Id order, whoever retries: a different payload under the reused key gets a 409, not a replay.
  const members = [...rows].sort((a, b) => a.id - b.id);
  return { key: members[0]!.batchKey!, members };
}

/** A retry reclaims a batch's members as they are, in id order, under the leader's (the batch's) lease. */
export async function reclaimBatch(sql: postgres.Sql, leader: ClaimedMessage): Promise<ClaimedMessage[]> {
  const rows = await sql.unsafe<ClaimedMessage[]>(
    `update deliveries d set claimed_at = now(), lease = $3::uuid, attempts = d.attempts + 1, updated_at = now()
       from subscribers s
      where d.batch_key = $1 and d.state = 'sending' and d.id <> $2 and s.id = d.subscriber_id
     returning ${CLAIMED_COLUMNS}`,
    [leader.batchKey, leader.id, leader.lease],
    PREPARED,
  );
  return [leader, ...rows].sort((a, b) => a.id - b.id);
}

/**
 * After a failed attempt that may be retried: the members stay together ("sending", same key)
 * but unheld, so the next attempt — by the leader's job or any member's — sends them again.
 */
export async function releaseBatch(sql: postgres.Sql, batch: { key: string; lease: string }, error: string): Promise<number> {
  const rows = await sql`
    update deliveries set claimed_at = null, lease = null, last_error = ${error}, updated_at = now()
     where batch_key = ${batch.key} and state = 'sending' and lease = ${batch.lease}
    returning id`;
  return rows.length;
}

/**
 * The provider refused the batch itself (a 4xx: nothing was sent), e.g. one address it will not
 * take: the members go out one by one instead, so one bad address cannot hold back the rest.
 * Regrouping is safe only here, because a refused request sent nothing.
 */
export async function dissolveBatch(sql: postgres.Sql, batch: { key: string; lease: string }, error: string): Promise<ScheduledDelivery[]> {
  return sql<ScheduledDelivery[]>`
    update deliveries
       set state = 'scheduled', batch_key = null, no_batch = true, claimed_at = null, lease = null, last_error = ${error}, updated_at = now()
     where batch_key = ${batch.key} and state = 'sending' and lease = ${batch.lease}
    returning id, due_at as "dueAt"`;
}
