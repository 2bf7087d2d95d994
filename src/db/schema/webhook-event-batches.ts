import { bigint, jsonb, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";

/**
 * Outgoing webhook events as the triggers record them (migration 0007), in the transaction of
 * their cause (DESIGN.md invariant 8): one compact row per statement and event type, expanded at
 * the endpoints' pace (docs/architecture.md "One webhook call"). It holds what the event must say
 * as it was then (statuses, details); the rest of `data.subscriber` does not change.
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
