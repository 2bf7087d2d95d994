import { sql, type InferSelectModel } from "drizzle-orm";
import { bigint, index, jsonb, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { deliveries } from "./deliveries.js";
import { subscribers } from "./subscribers.js";

/** Provider feedback (Resend webhooks). The provider's event id is unique: a replay is a no-op. */
export const emailEvents = pgTable(
  "email_events",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    providerEventId: text("provider_event_id").notNull().unique(),
    type: text("type").notNull(),
    providerMessageId: text("provider_message_id"),
    /** The message (of any kind: step, confirmation, fresh link) the event is about. */
    deliveryId: bigint("delivery_id", { mode: "number" }).references(() => deliveries.id, { onDelete: "set null" }),
    /** Whose email; null while unprocessed or when matching none of ours (kept, counted unmatched). */
    subscriberId: uuid("subscriber_id").references(() => subscribers.id, { onDelete: "set null" }),
    /** email.clicked: the link that was clicked (kept when the payload is anonymised). */
    url: text("url"),
    /** email.bounced: Resend's bounce type — "Permanent" is a hard bounce, anything else soft. */
    bounceType: text("bounce_type"),
    payload: jsonb("payload").notNull(),
    occurredAt: timestamp("occurred_at", { withTimezone: true }),
    receivedAt: timestamp("received_at", { withTimezone: true }).notNull().defaultNow(),
    processedAt: timestamp("processed_at", { withTimezone: true }),
  },
  (t) => [
    index("email_events_delivery_idx").on(t.deliveryId),
    index("email_events_message_idx").on(t.providerMessageId),
    index("email_events_subscriber_idx").on(t.subscriberId),
    // The repair pass looks for stored events whose processing job was lost.
    index("email_events_unprocessed_idx")
      .on(t.receivedAt)
      .where(sql`processed_at is null`),
  ],
);

export type EmailEvent = InferSelectModel<typeof emailEvents>;
