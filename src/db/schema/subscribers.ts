import { sql, type InferSelectModel } from "drizzle-orm";
import { index, pgEnum, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";

export const subscriberStatus = pgEnum("subscriber_status", [
  "pending",
  "active",
  "unsubscribed",
  "bounced",
  "complained",
]);

export const subscribers = pgTable(
  "subscribers",
  {
    id: uuid("id").primaryKey().default(sql`gen_random_uuid()`),
    /** Trimmed and lower-cased: one person, one row, however they type it. */
    email: text("email").notNull().unique(),
    firstName: text("first_name"),
    timezone: text("timezone"),
    source: text("source"),
    utmSource: text("utm_source"),
    utmMedium: text("utm_medium"),
    utmCampaign: text("utm_campaign"),
    status: subscriberStatus("status").notNull().default("active"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    confirmedAt: timestamp("confirmed_at", { withTimezone: true }),
    leftAt: timestamp("left_at", { withTimezone: true }),
    /** Last confirmation email requested (double opt-in); re-sends are rate limited on it. */
    confirmationRequestedAt: timestamp("confirmation_requested_at", { withTimezone: true }),
    /** Set when an admin erased the person's data; the row stays, anonymised, for the counts. */
    erasedAt: timestamp("erased_at", { withTimezone: true }),
    /**
     * When this address was last typed into the signup form: a known address's signup writes it, so
     * it commits a write like a new one, taking the same time (issue 17: known ones answered faster).
     */
    lastSignupAt: timestamp("last_signup_at", { withTimezone: true }),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("subscribers_created_at_idx").on(t.createdAt), index("subscribers_status_idx").on(t.status)],
);

export type Subscriber = InferSelectModel<typeof subscribers>;
