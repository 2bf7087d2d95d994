import { pgTable, timestamp, uuid } from "drizzle-orm/pg-core";

/**
 * Subscribers whose numbers changed since the last stats fold, written by triggers in the same
 * transaction as the change (src/db/stats-functions.ts). Insert-only for writers — no row is ever
 * updated, so busy signups never wait on each other here — and drained by the fold.
 * No key on purpose: a subscriber may be marked many times; the fold and the read take distinct ids.
 */
export const statsDirty = pgTable("stats_dirty", {
  subscriberId: uuid("subscriber_id").notNull(),
  markedAt: timestamp("marked_at", { withTimezone: true }).notNull().defaultNow(),
});
