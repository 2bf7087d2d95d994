import { sql, type InferSelectModel } from "drizzle-orm";
import { bigint, jsonb, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";

/**
 * What the outbox transport "sent" when no RESEND_API_KEY is set: the whole rendered email,
 * so a newcomer sees the real thing. The idempotency key is unique, like the provider's.
 */
export const outboxEmails = pgTable("outbox_emails", {
  id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
  messageId: uuid("message_id").notNull().default(sql`gen_random_uuid()`),
  idempotencyKey: text("idempotency_key").notNull().unique(),
  step: text("step").notNull(),
  to: text("to").notNull(),
  from: text("from").notNull(),
  replyTo: text("reply_to"),
  subject: text("subject").notNull(),
  html: text("html").notNull(),
  text: text("text").notNull(),
  headers: jsonb("headers").$type<Record<string, string>>().notNull(),
  tags: jsonb("tags").$type<{ name: string; value: string }[]>().notNull(),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
});

export type OutboxEmail = InferSelectModel<typeof outboxEmails>;
