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
  const match = db.$with("m").as(
    db
      .select({ id: deliveries.id, subscriberId: deliveries.subscriberId })
      .from(deliveries)
      .innerJoin(subscribers, and(eq(subscribers.id, deliveries.subscriberId), isNull(subscribers.erasedAt)))
      .where(quiet ? eq(deliveries.providerMessageId, e.providerMessageId!) : sql`false`)
      .limit(1),
  );
  const [row] = await db
    .with(match)
    .insert(emailEvents)
    .values({
      providerEventId: e.providerEventId,
      type: e.type,
      providerMessageId: e.providerMessageId ?? null,
      url: e.url ?? null,
      bounceType: e.bounceType ?? null,
      payload: e.payload,
      occurredAt: e.occurredAt ?? null,
      // No match: the subqueries are null, and so is processed_at.
      deliveryId: sql`(select ${match.id} from ${match})`,
      subscriberId: sql`(select ${match.subscriberId} from ${match})`,
      processedAt: sql`(select now() from ${match})`,
    })
    .onConflictDoNothing({ target: emailEvents.providerEventId })
    .returning({ id: emailEvents.id, processedAt: emailEvents.processedAt });
  return row && { id: row.id, settled: row.processedAt !== null };
}
