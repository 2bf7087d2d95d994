import { sql } from "drizzle-orm";
import { bigint, boolean, index, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { deliveries } from "./deliveries.js";
import { subscribers } from "./subscribers.js";

/**
 * One row per fetch of a link in one of our emails (DESIGN.md invariant 9, "Signals"): the guide,
 * a tracked outside link (GET /l/:token) or the unsubscribe page. `automated`: the rule of
 * src/signals/rules.ts that says it was not a person's (null: a person's). Only once `settled` (no
 * later fetch can pull it into a burst) does a person's download (a guide_downloads row) or click
 * count. Per-person engagement: kept ENGAGEMENT_RETENTION_DAYS, then folded into engagement_archive.
 */
export const linkVisits = pgTable(
  "link_visits",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    subscriberId: uuid("subscriber_id").references(() => subscribers.id, { onDelete: "set null" }),
    /** The email the link was in (null for a guide link issued before links named their email). */
    deliveryId: bigint("delivery_id", { mode: "number" }).references(() => deliveries.id, { onDelete: "set null" }),
    /** Which link: guide, unsubscribe, or an outside link's key (src/signals/link-keys.ts). */
    link: text("link").notNull(),
    visitedAt: timestamp("visited_at", { withTimezone: true }).notNull().defaultNow(),
    /** The client address, for the burst-address rule; cleared by erasure and by retention. */
    ip: text("ip"),
    userAgent: text("user_agent"),
    /** Null: a person's. Otherwise the rule that says it was a machine's (head, bot, burst, …). */
    automated: text("automated"),
    settled: boolean("settled").notNull().default(false),
  },
  (t) => [
    // The burst rule: the other fetches of the same email in the last seconds.
    index("link_visits_delivery_idx").on(t.deliveryId, t.visitedAt),
    // The burst-address rule: bursts from this address lately.
    index("link_visits_burst_ip_idx")
      .on(t.ip, t.visitedAt)
      .where(sql`automated = 'burst'`),
    // What the settle pass has left to do.
    index("link_visits_unsettled_idx")
      .on(t.visitedAt)
      .where(sql`not settled`),
    index("link_visits_subscriber_idx").on(t.subscriberId),
    // Retention: the oldest first.
    index("link_visits_visited_at_idx").on(t.visitedAt),
  ],
);
