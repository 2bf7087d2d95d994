import { bigint, jsonb, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";

/**
 * Outgoing webhook events as the triggers record them (migration 0007): one compact row per
 * statement and event type — a signup batch of 200 is one row of 200 ids — written in the
 * transaction of the change that caused it (DESIGN.md invariant 8), so it cannot be lost.
 * The worker expands them into `webhook_events` and their calls (src/notify/expansion.ts) as
 * fast as the endpoints take them, so a burst of signups pays microseconds each, not the
 * event and call rows with their indexes.
 *
 * What is recorded is what the event must say as it was then: the subscribers' statuses at the
 * time, and (guide, sequence) the details; the rest of `data.subscriber` does not change, and an
 * erasure before the expansion leaves only the id in the event, as it should.
 */
export const webhookEventBatches = pgTable("webhook_event_batches", {
  id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
  type: text("type").notNull(),
  occurredAt: timestamp("occurred_at", { withTimezone: true }).notNull().defaultNow(),
  subscriberIds: uuid("subscriber_ids").array().notNull(),
  statuses: text("statuses").array().notNull(),
  /** A JSON array aligned with the ids: what `data` carries besides the subscriber, or null. */
  details: jsonb("details"),
});
