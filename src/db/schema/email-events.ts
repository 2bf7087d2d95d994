import type { InferSelectModel } from "drizzle-orm";
import { bigint, index, jsonb, pgTable, text, timestamp } from "drizzle-orm/pg-core";
import { deliveries } from "./deliveries.js";

/** Provider feedback (Resend webhooks). The provider's event id is unique: a replay is a no-op. */
export const emailEvents = pgTable(
  "email_events",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    providerEventId: text("provider_event_id").notNull().unique(),
    type: text("type").notNull(),
    providerMessageId: text("provider_message_id"),
    deliveryId: bigint("delivery_id", { mode: "number" }).references(() => deliveries.id, { onDelete: "set null" }),
    payload: jsonb("payload").notNull(),
    occurredAt: timestamp("occurred_at", { withTimezone: true }),
    receivedAt: timestamp("received_at", { withTimezone: true }).notNull().defaultNow(),
    processedAt: timestamp("processed_at", { withTimezone: true }),
  },
  (t) => [
    index("email_events_delivery_idx").on(t.deliveryId),
    index("email_events_message_idx").on(t.providerMessageId),
  ],
);

export type EmailEvent = InferSelectModel<typeof emailEvents>;
