import { and, eq, isNull, notInArray, sql } from "drizzle-orm";
import type { Database } from "../db/client.js";
import type { MessageKind } from "../db/schema/deliveries.js";
import { deliveries, emailEvents, subscribers } from "../db/schema/index.js";
import { ACTING_EVENT_TYPES } from "./events.js";

/**
 * Most provider events — delivered, opened, clicked — only need to be matched to their email and
 * marked processed, which one statement can do: for a stored event that is unprocessed, can act
 * on no one (not in ACTING_EVENT_TYPES), matches one of our messages and whose subscriber is not
 * erased. Returns the matched message's kind, or undefined when any of that does not hold — the
 * event is then left as it was, for processEvent (suppression, the grace for a message id not
 * committed yet, anonymisation). It sits here rather than beside its siblings in
 * src/db/queries/email-events.ts only because that file was outside this change's scope.
 */
export async function settleQuietEvent(db: Database, eventId: number): Promise<MessageKind | undefined> {
  const [row] = await preparedFor(db).execute({ eventId });
  return row?.kind;
}

/** Built once per database handle: drizzle's query building cost more than the statement. */
const prepared = new WeakMap<Database, ReturnType<typeof prepare>>();
function preparedFor(db: Database) {
  let statement = prepared.get(db);
  if (!statement) prepared.set(db, (statement = prepare(db)));
  return statement;
}

function prepare(db: Database) {
  const unprocessed = and(eq(emailEvents.id, sql.placeholder("eventId")), isNull(emailEvents.processedAt));
  const match = db.$with("m").as(
    db
      .select({ deliveryId: deliveries.id, kind: deliveries.kind, subscriberId: deliveries.subscriberId })
      .from(emailEvents)
      .innerJoin(deliveries, eq(deliveries.providerMessageId, emailEvents.providerMessageId))
      .innerJoin(subscribers, and(eq(subscribers.id, deliveries.subscriberId), isNull(subscribers.erasedAt)))
      .where(and(unprocessed, notInArray(emailEvents.type, [...ACTING_EVENT_TYPES])))
      .limit(1),
  );
  return db
    .with(match)
    .update(emailEvents)
    .set({ processedAt: sql`now()`, deliveryId: sql`${match.deliveryId}`, subscriberId: sql`${match.subscriberId}` })
    .from(match)
    .where(unprocessed)
    .returning({ kind: match.kind })
    .prepare("settle_quiet_event");
}
