import { pgTable, timestamp, uuid } from "drizzle-orm/pg-core";

/**
 * Subscribers whose numbers changed since the last stats fold, written by triggers in the change's
 * transaction (src/db/stats-functions.ts). Insert-only, so busy signups never wait on each other
 * here; drained by the fold. No key on purpose: the fold and the read take distinct ids.
 */
export const statsDirty = pgTable("stats_dirty", {
  subscriberId: uuid("subscriber_id").notNull(),
  markedAt: timestamp("marked_at", { withTimezone: true }).notNull().defaultNow(),
});
