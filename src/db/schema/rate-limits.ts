import { bigint, integer, pgTable, varchar } from "drizzle-orm/pg-core";

/**
 * rate-limiter-flexible's RateLimiterPostgres counters (when the queue runs on Postgres), in the
 * library's layout but created by our migrations rather than by it at first use, so a failed or
 * racing CREATE cannot leave the limit running from memory only.
 */
export const rateLimits = pgTable("rate_limits", {
  key: varchar("key", { length: 255 }).primaryKey(),
  points: integer("points").notNull().default(0),
  expire: bigint("expire", { mode: "number" }),
});
