import { bigint, integer, pgTable, varchar } from "drizzle-orm/pg-core";

/**
 * The counters of rate-limiter-flexible's RateLimiterPostgres (used when the queue runs on
 * Postgres). Its column layout is the library's; the table is created here, by our migrations,
 * rather than by the library at first use, so a failed or racing CREATE cannot leave the limit
 * running from memory only.
 */
export const rateLimits = pgTable("rate_limits", {
  key: varchar("key", { length: 255 }).primaryKey(),
  points: integer("points").notNull().default(0),
  expire: bigint("expire", { mode: "number" }),
});
