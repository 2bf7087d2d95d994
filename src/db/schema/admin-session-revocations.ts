import { index, pgTable, text, timestamp } from "drizzle-orm/pg-core";

/**
 * Admin sessions ended before their cookie expires (logout, "log out everywhere"). The cookie stays
 * signed and self-contained; this table lists the ones that no longer count, so a stolen cookie
 * dies with the logout rather than live out its 12 hours (issue 17). `session_id`: the cookie's id,
 * or "*" for all issued up to revoked_at; a row stays until its cookies expire anyway (`expires_at`).
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
