import { sql, type InferSelectModel } from "drizzle-orm";
import { bigint, index, jsonb, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { subscribers } from "./subscribers.js";

/**
 * One row per thing that happened that an endpoint listens for, written in the same transaction
 * as the change that caused it (DESIGN.md invariant 8) — by the triggers of migration 0007, so no
 * code path that changes a subscriber can forget it; they record it compactly
 * (`webhook_event_batches`) and the worker writes this row from that, as the endpoints take
 * calls. Only recorded when an enabled endpoint wants the type: with none configured it costs a
 * lookup of an empty table.
 *
 * `message_id` is the `webhook-id` every call of this event carries, on every retry and replay
 * (receivers dedupe on it); `payload` is the whole Standard Webhooks body `{type, timestamp, data}`,
 * kept so each retry sends the same bytes. Erasing the subscriber scrubs it to `{id}`.
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

export type WebhookEvent = InferSelectModel<typeof webhookEvents>;
