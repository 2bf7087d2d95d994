import { index, pgTable, text, timestamp } from "drizzle-orm/pg-core";

/**
 * Admin sessions ended before their cookie expires (logout, "log out everywhere"). The cookie
 * stays signed and self-contained; this table only lists the ones that no longer count, so a
 * stolen cookie dies with the logout instead of living out its 12 hours (issue 17).
 * `session_id` is the cookie's random id, or "*" for "every session issued up to revoked_at".
 * A row is kept until the cookies it names would have expired anyway (`expires_at`).
 */
export const adminSessionRevocations = pgTable(
  "admin_session_revocations",
  {
    sessionId: text("session_id").primaryKey(),
    revokedAt: timestamp("revoked_at", { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
  },
  (t) => [index("admin_session_revocations_expires_idx").on(t.expiresAt)],
);
