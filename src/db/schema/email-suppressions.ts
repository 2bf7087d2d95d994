import { pgTable, text, timestamp } from "drizzle-orm/pg-core";

/**
 * Addresses that must never be signed up again, kept only as sha256(normalised address) in hex:
 * written when an admin erases an address and asks for it to stay suppressed (GDPR art. 17 leaves
 * us the hash to honour "never contact me"), and removed when an admin lifts the suppression.
 */
export const emailSuppressions = pgTable("email_suppressions", {
  emailHash: text("email_hash").primaryKey(),
  reason: text("reason").notNull(),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
});
