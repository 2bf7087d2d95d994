import { sql } from "drizzle-orm";
import { bigint, index, jsonb, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { subscribers } from "./subscribers.js";

/**
 * One row per happening an endpoint listens for, expanded from `webhook_event_batches`
 * (docs/architecture.md "One webhook call"). `message_id`: the `webhook-id` of every call and retry;
 * `payload`: the whole body, so retries send the same bytes (erasing the subscriber leaves `{id}`).
 */
export const webhookEvents = pgTable(
  "webhook_events",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    messageId: text("message_id")
      .notNull()
      .unique()
      .default(sql`'msg_' || replace(gen_random_uuid()::text, '-', '')`),
    type: text("type").notNull(),
    subscriberId: uuid("subscriber_id").references(() => subscribers.id, { onDelete: "set null" }),
    payload: jsonb("payload").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("webhook_events_created_at_idx").on(t.createdAt), index("webhook_events_subscriber_idx").on(t.subscriberId)],
);
