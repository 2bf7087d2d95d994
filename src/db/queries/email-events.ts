import type { MessageKind } from "../schema/deliveries.js";
import type postgres from "postgres";
import { asDate, asDateOrNull } from "./values.js";

/** The SQL behind provider webhooks: store once per provider event id, then match and process. */

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
export async function insertEmailEvent(sql: postgres.Sql, e: NewEmailEvent): Promise<number | undefined> {
  const rows = await sql<{ id: string }[]>`
    insert into email_events (provider_event_id, type, provider_message_id, url, bounce_type, payload, occurred_at)
    values (${e.providerEventId}, ${e.type}, ${e.providerMessageId ?? null}, ${e.url ?? null}, ${e.bounceType ?? null},
            ${sql.json(e.payload as postgres.JSONValue)}, ${e.occurredAt ?? null})
    on conflict (provider_event_id) do nothing
    returning id`;
  return rows[0] ? Number(rows[0].id) : undefined;
}

export interface StoredEvent {
  id: number;
  type: string;
  providerMessageId: string | null;
  bounceType: string | null;
  payload: unknown;
  /** The provider's event time, or when we received it. */
  occurredAt: Date;
  processedAt: Date | null;
}

export async function loadEmailEvent(sql: postgres.Sql, id: number): Promise<StoredEvent | undefined> {
  const [row] = await sql<Record<string, unknown>[]>`
    select id, type, provider_message_id, bounce_type, payload, coalesce(occurred_at, received_at) as occurred_at, processed_at
      from email_events where id = ${id}`;
  if (!row) return undefined;
  return {
    id: Number(row.id),
    type: String(row.type),
    providerMessageId: (row.provider_message_id as string | null) ?? null,
    bounceType: (row.bounce_type as string | null) ?? null,
    payload: row.payload,
    occurredAt: asDate(row.occurred_at),
    processedAt: asDateOrNull(row.processed_at),
  };
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
  const rows = await sql`
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
  const rows = await sql<{ id: string }[]>`
    select id from email_events
     where processed_at is null and received_at < now() - make_interval(secs => ${graceSeconds})
     order by received_at
     limit ${limit}`;
  return rows.map((r) => Number(r.id));
}

export interface EventCounts {
  /** Events stored, per type. */
  byType: Record<string, number>;
  /** Processed events whose message id matched none of our emails: kept, counted, not errors. */
  unmatched: number;
  /** Stored, not processed yet. */
  pending: number;
}

export async function countEmailEvents(sql: postgres.Sql): Promise<EventCounts> {
  const rows = await sql<{ type: string; total: number; unmatched: number; pending: number }[]>`
    select type,
           count(*)::int as total,
           count(*) filter (where processed_at is not null and subscriber_id is null)::int as unmatched,
           count(*) filter (where processed_at is null)::int as pending
      from email_events group by type order by type`;
  return {
    byType: Object.fromEntries(rows.map((r) => [r.type, r.total])),
    unmatched: rows.reduce((n, r) => n + r.unmatched, 0),
    pending: rows.reduce((n, r) => n + r.pending, 0),
  };
}
