import { sql, type InferSelectModel } from "drizzle-orm";
import { bigint, index, integer, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { deliveryState } from "./deliveries.js";
import { subscribers } from "./subscribers.js";

/**
 * Double opt-in: one row per confirmation email requested (the first signup, and each rate-limited
 * re-send). Kept apart from `deliveries`: a confirmation is not a step of the sequence, so the
 * per-step stats never count it, yet it is claimed exactly like a delivery (scheduled → sending →
 * sent | failed | cancelled) and sent under an idempotency key derived from this row
 * (DESIGN.md invariant 3).
 */
export const confirmationEmails = pgTable(
  "confirmation_emails",
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
    /** Also the moment the email is rendered for: its confirm link expires PENDING_TTL_DAYS later. */
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("confirmation_emails_subscriber_idx").on(t.subscriberId),
    index("confirmation_emails_provider_message_idx").on(t.providerMessageId),
    index("confirmation_emails_pending_idx")
      .on(t.createdAt)
      .where(sql`state in ('scheduled', 'sending')`),
  ],
);

export type ConfirmationEmail = InferSelectModel<typeof confirmationEmails>;
