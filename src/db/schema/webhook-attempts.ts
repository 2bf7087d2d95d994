import type { InferSelectModel } from "drizzle-orm";
import { bigint, index, integer, pgTable, text, timestamp } from "drizzle-orm/pg-core";
import { deliveries } from "./deliveries.js";

/**
 * The delivery log: one row per HTTP attempt of a webhook call (its row in `deliveries`), kept
 * 30 days. `outcome`: succeeded (2xx), failed (any other answer), unreachable (no answer: DNS,
 * connect, timeout), blocked (the address check refused the connection).
 */
export const webhookAttempts = pgTable(
  "webhook_attempts",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    deliveryId: bigint("delivery_id", { mode: "number" })
      .notNull()
      .references(() => deliveries.id, { onDelete: "cascade" }),
    attempt: integer("attempt").notNull(),
    attemptedAt: timestamp("attempted_at", { withTimezone: true }).notNull().defaultNow(),
    outcome: text("outcome").$type<"succeeded" | "failed" | "unreachable" | "blocked">().notNull(),
    status: integer("status"),
    durationMs: integer("duration_ms").notNull(),
    /** The first 1 KB of the answer, or what went wrong. */
    response: text("response"),
  },
  (t) => [index("webhook_attempts_delivery_idx").on(t.deliveryId), index("webhook_attempts_attempted_at_idx").on(t.attemptedAt)],
);

export type WebhookAttempt = InferSelectModel<typeof webhookAttempts>;
