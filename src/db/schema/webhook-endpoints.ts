import { sql, type InferSelectModel } from "drizzle-orm";
import { check, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";

/**
 * Where the clinic's other tools (a CRM, Zapier, Make, n8n) want to hear what happens (issue 16).
 * `events` null = every event type. A disabled endpoint is sent nothing (its pending calls are
 * cancelled at the claim) until an admin enables it again; `disabled_reason` says why, in words.
 * `secret` signs every call (Standard Webhooks, `whsec_…`); after a rotation the previous one
 * signs too, until `previous_secret_until`, so a receiver can switch over without missing one.
 */
export const webhookEndpoints = pgTable(
  "webhook_endpoints",
  {
    id: uuid("id").primaryKey().default(sql`gen_random_uuid()`),
    url: text("url").notNull(),
    description: text("description"),
    events: text("events").array(),
    status: text("status").$type<"enabled" | "disabled">().notNull().default("enabled"),
    disabledReason: text("disabled_reason"),
    disabledAt: timestamp("disabled_at", { withTimezone: true }),
    secret: text("secret").notNull(),
    previousSecret: text("previous_secret"),
    previousSecretUntil: timestamp("previous_secret_until", { withTimezone: true }),
    /** Since when every attempt has failed (null after any success): 5 days of it disables. */
    failingSince: timestamp("failing_since", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [check("webhook_endpoints_status", sql`${t.status} in ('enabled', 'disabled')`)],
);

export type WebhookEndpoint = InferSelectModel<typeof webhookEndpoints>;
