import { and, eq, gt, lt, or } from "drizzle-orm";
import type { Database } from "../client.js";
import { adminSessionRevocations } from "../schema/index.js";

/** "*" stands for every session issued up to revoked_at (log out everywhere: src/http/admin-session.ts). */
const EVERY_SESSION = "*";

/** The revocation list of admin sessions, kept in Postgres (src/http/admin-session.ts SessionRevocations). */
export function sessionRevocations(db: Database) {
  return {
    /** Whether the session `sessionId`, issued at `issuedAt`, was ended: by its own logout or by "everywhere". */
    async isRevoked(sessionId: string, issuedAt: Date): Promise<boolean> {
      const rows = await db
        .select({ sessionId: adminSessionRevocations.sessionId })
        .from(adminSessionRevocations)
        .where(
          or(
            eq(adminSessionRevocations.sessionId, sessionId),
            and(eq(adminSessionRevocations.sessionId, EVERY_SESSION), gt(adminSessionRevocations.revokedAt, issuedAt)),
          ),
        )
        .limit(1);
      return rows.length > 0;
    },
    /**
     * Ends one session (`sessionId`) or every session issued until now (EVERY_SESSION). `expiresAt`:
     * when the cookies it names would have expired anyway, after which the row is dropped (here, by
     * the next revocation: logouts are rare and the table stays a handful of rows).
     */
    async revoke(sessionId: string, expiresAt: Date, now: Date): Promise<void> {
      await db.transaction(async (tx) => {
        await tx.delete(adminSessionRevocations).where(lt(adminSessionRevocations.expiresAt, now));
        // The app's clock, not the database's: the cookie's issue time came from it too.
        await tx
          .insert(adminSessionRevocations)
          .values({ sessionId, revokedAt: now, expiresAt })
          // "Everywhere" again moves the cut-off forward.
          .onConflictDoUpdate({ target: adminSessionRevocations.sessionId, set: { revokedAt: now, expiresAt } });
      });
    },
  };
}
