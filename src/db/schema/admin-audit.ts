import type { InferSelectModel } from "drizzle-orm";
import { bigint, index, jsonb, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { subscribers } from "./subscribers.js";

/**
 * Every admin action (who, what, when), also logged with pino. Kept in Postgres so a subscriber's
 * page shows what admins did to the record. Never holds a token or a password.
 */
export const adminAudit = pgTable(
  "admin_audit",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    at: timestamp("at", { withTimezone: true }).notNull().defaultNow(),
    /** "admin" (the one ADMIN_TOKEN holder) and how: "admin (session)" or "admin (bearer)". */
    actor: text("actor").notNull(),
    clientAddress: text("client_address"),
    action: text("action").notNull(),
    subscriberId: uuid("subscriber_id").references(() => subscribers.id, { onDelete: "set null" }),
    detail: jsonb("detail").$type<Record<string, unknown>>().notNull().default({}),
  },
  (t) => [index("admin_audit_subscriber_idx").on(t.subscriberId), index("admin_audit_at_idx").on(t.at)],
);

export type AdminAuditRow = InferSelectModel<typeof adminAudit>;
