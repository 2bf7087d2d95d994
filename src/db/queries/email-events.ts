import { and, count, eq, isNull, sql as dsql, type SQL } from "drizzle-orm";
import type { MessageKind } from "../schema/deliveries.js";
import type postgres from "postgres";
import type { Database } from "../client.js";
import { deliveries, emailEvents, subscribers, type EmailEvent } from "../schema/index.js";

/**
 * The queries behind provider webhooks: store once per provider event id, then match and process.
 * Those the events worker and the upkeep job run are postgres.js: their callers hand them the raw pool.
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
 * Stores an event once: the unique provider event id (svix-id) makes a replay, even a racing one, a
 * no-op (undefined). With `settle`, an event matching one of our emails (subscriber not erased) is
 * stored processed (`settled`), needing no job; anything else awaits its job (src/feedback/process.ts).
 */
export async function insertEmailEvent(db: Database, e: NewEmailEvent, options: { settle: boolean }) {
  const [row] = await preparedInsert(db).execute({
    providerEventId: e.providerEventId,
    type: e.type,
    providerMessageId: e.providerMessageId ?? null,
    // Null matches no message: the event is stored unprocessed, for its job.
    matchMessageId: options.settle ? (e.providerMessageId ?? null) : null,
    url: e.url ?? null,
    bounceType: e.bounceType ?? null,
    payload: e.payload,
    occurredAt: e.occurredAt ?? null,
  });
  return row && { id: row.id, settled: row.processedAt !== null };
}

/** The `type` of a signed provider event that could not be processed (src/feedback/ingest.ts). */
export const UNPROCESSABLE_EVENT_TYPE = "unprocessable";

/**
 * Stores a signed event we cannot process, already settled (no job takes it): why, and the body as
 * it came (made storable). A replayed svix-id is stored once, as for any event; false for a replay.
 */
export async function insertUnprocessableEvent(
  db: Database,
  e: { providerEventId: string; reason: string; body: string },
): Promise<boolean> {
  const rows = await db
    .insert(emailEvents)
    .values({
      providerEventId: e.providerEventId,
      type: UNPROCESSABLE_EVENT_TYPE,
      payload: { unprocessable: e.reason, body: e.body },
      processedAt: dsql`now()`,
    })
    .onConflictDoNothing({ target: emailEvents.providerEventId })
    .returning({ id: emailEvents.id });
  return rows.length > 0;
}

/** Built once per database handle: drizzle's building of this statement cost as much as running it. */
const preparedInserts = new WeakMap<Database, ReturnType<typeof prepareInsert>>();
function preparedInsert(db: Database) {
  let statement = preparedInserts.get(db);
  if (!statement) preparedInserts.set(db, (statement = prepareInsert(db)));
  return statement;
}

function prepareInsert(db: Database) {
  const match = db.$with("m").as(
    db
      .select({ id: deliveries.id, subscriberId: deliveries.subscriberId })
      .from(deliveries)
      .innerJoin(subscribers, and(eq(subscribers.id, deliveries.subscriberId), isNull(subscribers.erasedAt)))
      .where(eq(deliveries.providerMessageId, dsql.placeholder("matchMessageId")))
      .limit(1),
  );
  return db
    .with(match)
    .insert(emailEvents)
    .values({
      providerEventId: dsql.placeholder("providerEventId"),
      type: dsql.placeholder("type"),
      providerMessageId: dsql.placeholder("providerMessageId"),
      url: dsql.placeholder("url"),
      bounceType: dsql.placeholder("bounceType"),
      payload: dsql.placeholder("payload"),
      occurredAt: dsql.placeholder("occurredAt"),
      // No match: the subqueries are null, and so is processed_at.
      deliveryId: dsql`(select ${match.id} from ${match})`,
      subscriberId: dsql`(select ${match.subscriberId} from ${match})`,
      processedAt: dsql`(select now() from ${match})`,
    })
    .onConflictDoNothing({ target: emailEvents.providerEventId })
    .returning({ id: emailEvents.id, processedAt: emailEvents.processedAt })
    .prepare("store_email_event");
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
