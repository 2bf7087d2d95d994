import type { InferSelectModel } from "drizzle-orm";
import { bigint, index, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { subscribers } from "./subscribers.js";

/** GDPR art. 7(1): when and how each person consented, one row per consent event, never updated. */
export const consents = pgTable(
  "consents",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    subscriberId: uuid("subscriber_id")
      .notNull()
      .references(() => subscribers.id, { onDelete: "cascade" }),
    kind: text("kind").notNull(),
    ip: text("ip"),
    userAgent: text("user_agent"),
    formVersion: text("form_version").notNull(),
    wording: text("wording").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("consents_subscriber_idx").on(t.subscriberId)],
);

export type Consent = InferSelectModel<typeof consents>;
