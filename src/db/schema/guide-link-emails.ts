import type { InferSelectModel } from "drizzle-orm";
import { bigint, index, integer, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { deliveryState } from "./deliveries.js";
import { subscribers } from "./subscribers.js";

/**
 * A "mail me a fresh link" email, asked for from an expired guide link. Like a delivery, the
 * row is claimed before the provider call and names the idempotency key, so a retry is a replay.
 * At most one row per subscriber per hour (checked under a lock on the subscriber row, see
 * src/db/queries/guide-link-emails.ts): the form cannot be used to flood anyone's inbox.
 */
export const guideLinkEmails = pgTable(
  "guide_link_emails",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    subscriberId: uuid("subscriber_id")
      .notNull()
      .references(() => subscribers.id, { onDelete: "cascade" }),
    state: deliveryState("state").notNull().default("scheduled"),
    attempts: integer("attempts").notNull().default(0),
    claimedAt: timestamp("claimed_at", { withTimezone: true }),
    sentAt: timestamp("sent_at", { withTimezone: true }),
    providerMessageId: text("provider_message_id"),
    lastError: text("last_error"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("guide_link_emails_subscriber_created_idx").on(t.subscriberId, t.createdAt)],
);

export type GuideLinkEmail = InferSelectModel<typeof guideLinkEmails>;
