import { count, sql as dsql, type SQL } from "drizzle-orm";
import type { MessageKind } from "../schema/deliveries.js";
import type postgres from "postgres";
import type { Database } from "../client.js";
import { emailEvents, type EmailEvent } from "../schema/index.js";

/**
 * The queries behind provider webhooks: store once per provider event id, then match and process.
 * The webhook route's queries go through drizzle; those the events worker and the upkeep job run
 * (load, mark processed, unprocessed) stay postgres.js, typed, because their callers in workers/
 * hand them the raw pool (`deps.db.sql`): they can move once those callers pass `deps.db.db`.
 */

export interface NewEmailEvent {
  providerEventId: string;
  type: string;
  providerMessageId: string | undefined;
  url: string | undefined;
  bounceType: string | undefined;
  payload: unknown;
  occurredAt: Date | undefined;
}

/**
 * Stores an event; the unique provider event id (svix-id) makes a replay a no-op — decided by the
 * index, so two deliveries of the same event racing each other store it once. Returns the new
 * row's id, or undefined for a replay.
 */
export async function insertEmailEvent(db: Database, e: NewEmailEvent): Promise<number | undefined> {
  const [row] = await db
    .insert(emailEvents)
    .values({
      providerEventId: e.providerEventId,
      type: e.type,
      providerMessageId: e.providerMessageId ?? null,
      url: e.url ?? null,
      bounceType: e.bounceType ?? null,
      payload: e.payload,
      occurredAt: e.occurredAt ?? null,
    })
    .onConflictDoNothing({ target: emailEvents.providerEventId })
    .returning({ id: emailEvents.id });
  return row?.id;
}

export type StoredEvent = Pick<EmailEvent, "id" | "type" | "providerMessageId" | "bounceType" | "payload" | "processedAt"> & {
  /** The provider's event time, or when we received it. */
  occurredAt: Date;
};

export async function loadEmailEvent(sql: postgres.Sql, id: number): Promise<StoredEvent | undefined> {
  const [row] = await sql<StoredEvent[]>`
    select id, type, provider_message_id as "providerMessageId", bounce_type as "bounceType", payload,
           coalesce(occurred_at, received_at) as "occurredAt", processed_at as "processedAt"
      from email_events where id = ${id}`;
  return row;
}

export type MessageMatch = {
  /** A step of the sequence, a double opt-in confirmation, or a fresh guide link. */
  kind: MessageKind;
  id: number;
  subscriberId: string;
  erased: boolean;
};

/** Which of our messages a provider message id belongs to (whatever its kind: one table). */
export async function findMessage(sql: postgres.Sql, providerMessageId: string): Promise<MessageMatch | undefined> {
  const [row] = await sql<MessageMatch[]>`
    select d.kind, d.id, d.subscriber_id as "subscriberId", s.erased_at is not null as erased
      from deliveries d join subscribers s on s.id = d.subscriber_id
     where d.provider_message_id = ${providerMessageId}
     limit 1`;
  return row;
}

/**
 * Records the outcome once: the match (or none) and, for an erased subscriber, the anonymised
 * payload. Returns false when the event was already processed (a duplicate job).
 */
export async function markEventProcessed(
  sql: postgres.Sql,
  id: number,
  outcome: { match: MessageMatch | undefined; anonymisedPayload: unknown },
): Promise<boolean> {
  const payload = outcome.anonymisedPayload === undefined ? null : sql.json(outcome.anonymisedPayload as postgres.JSONValue);
  const rows = await sql<Pick<EmailEvent, "id">[]>`
    update email_events
       set processed_at = now(),
           delivery_id = ${outcome.match?.id ?? null},
           subscriber_id = ${outcome.match?.subscriberId ?? null},
           payload = coalesce(${payload}::jsonb, payload)
     where id = ${id} and processed_at is null
    returning id`;
  return rows.length === 1;
}

/** Stored events whose processing job may be lost (invariant 2): unprocessed after `graceSeconds`. */
export async function unprocessedEvents(sql: postgres.Sql, graceSeconds: number, limit: number): Promise<number[]> {
  const rows = await sql<Pick<EmailEvent, "id">[]>`
    select id from email_events
     where processed_at is null and received_at < now() - make_interval(secs => ${graceSeconds})
     order by received_at
     limit ${limit}`;
  return rows.map((r) => r.id);
}

export interface EventCounts {
  /** Events stored, per type. */
  byType: Record<string, number>;
  /** Processed events whose message id matched none of our emails: kept, counted, not errors. */
  unmatched: number;
  /** Stored, not processed yet. */
  pending: number;
}

export async function countEmailEvents(db: Database): Promise<EventCounts> {
  const rows = await db
    .select({
      type: emailEvents.type,
      total: count(),
      unmatched: countWhere(dsql`${emailEvents.processedAt} is not null and ${emailEvents.subscriberId} is null`),
      pending: countWhere(dsql`${emailEvents.processedAt} is null`),
    })
    .from(emailEvents)
    .groupBy(emailEvents.type)
    .orderBy(emailEvents.type);
  return {
    byType: Object.fromEntries(rows.map((r) => [r.type, r.total])),
    unmatched: rows.reduce((n, r) => n + r.unmatched, 0),
    pending: rows.reduce((n, r) => n + r.pending, 0),
  };
}

/** `count(*) filter (where …)`: drizzle's count() has no filter clause; bigint, read as a number. */
function countWhere(condition: SQL) {
  return dsql<number>`count(*) filter (where ${condition})`.mapWith(Number);
}
