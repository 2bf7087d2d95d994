import { and, eq, isNull, sql } from "drizzle-orm";
import type { Database } from "../db/client.js";
import type { NewEmailEvent } from "../db/queries/email-events.js";
import { deliveries, emailEvents, subscribers } from "../db/schema/index.js";
import { ACTING_EVENT_TYPES } from "./events.js";

export interface StoredEvent {
  id: number;
  /** Matched to our email and marked processed as it was stored: it needs no job. */
  settled: boolean;
}

/**
 * Stores a provider event once per provider event id (svix-id; a replay returns undefined), and
 * settles it in the same statement when it can: most events — delivered, opened, clicked — only
 * need matching to their email. One that can act on no one (not in ACTING_EVENT_TYPES) and whose
 * message id is one of our messages, to a subscriber not erased, is stored already matched and
 * processed. Anything else is stored unprocessed, for its job (src/feedback/process.ts decides
 * suppression, the grace for a message id not committed yet, anonymisation). One round trip, no
 * job: jobs were most of the cost of an event. It sits here rather than beside insertEmailEvent in
 * src/db/queries/email-events.ts only because that file was outside this change's scope.
 */
export async function storeEvent(db: Database, e: NewEmailEvent): Promise<StoredEvent | undefined> {
  const quiet = e.providerMessageId !== undefined && !(ACTING_EVENT_TYPES as readonly string[]).includes(e.type);
  const [row] = await preparedFor(db).execute({
    providerEventId: e.providerEventId,
    type: e.type,
    providerMessageId: e.providerMessageId ?? null,
    // Null matches no message: an event that may act is stored unprocessed, for its job.
    matchMessageId: quiet ? e.providerMessageId! : null,
    url: e.url ?? null,
    bounceType: e.bounceType ?? null,
    payload: e.payload,
    occurredAt: e.occurredAt ?? null,
  });
  return row && { id: row.id, settled: row.processedAt !== null };
}

/** Built once per database handle: drizzle's building of this statement cost as much as running it. */
const prepared = new WeakMap<Database, ReturnType<typeof prepare>>();
function preparedFor(db: Database) {
  let statement = prepared.get(db);
  if (!statement) prepared.set(db, (statement = prepare(db)));
  return statement;
}

function prepare(db: Database) {
  const match = db.$with("m").as(
    db
      .select({ id: deliveries.id, subscriberId: deliveries.subscriberId })
      .from(deliveries)
      .innerJoin(subscribers, and(eq(subscribers.id, deliveries.subscriberId), isNull(subscribers.erasedAt)))
      .where(eq(deliveries.providerMessageId, sql.placeholder("matchMessageId")))
      .limit(1),
  );
  return db
    .with(match)
    .insert(emailEvents)
    .values({
      providerEventId: sql.placeholder("providerEventId"),
      type: sql.placeholder("type"),
      providerMessageId: sql.placeholder("providerMessageId"),
      url: sql.placeholder("url"),
      bounceType: sql.placeholder("bounceType"),
      payload: sql.placeholder("payload"),
      occurredAt: sql.placeholder("occurredAt"),
      // No match: the subqueries are null, and so is processed_at.
      deliveryId: sql`(select ${match.id} from ${match})`,
      subscriberId: sql`(select ${match.subscriberId} from ${match})`,
      processedAt: sql`(select now() from ${match})`,
    })
    .onConflictDoNothing({ target: emailEvents.providerEventId })
    .returning({ id: emailEvents.id, processedAt: emailEvents.processedAt })
    .prepare("store_email_event");
}
