import type { Database } from "../db/client.js";
import type { Logger } from "../logger.js";
import { insertAudit, type AuditEntry } from "../db/queries/admin.js";

/**
 * Every admin action is logged (pino, `audit: true`) and kept in admin_audit: who ("admin", how
 * authenticated, from which address), what, when. Never a token, a password or a cookie; an
 * address appears only as the subscriber's id.
 */
export interface AuditDeps {
  db: Database;
  logger: Logger;
}

export async function recordAdminAction(deps: AuditDeps, entry: AuditEntry): Promise<void> {
  deps.logger.info(
    { audit: true, actor: entry.actor, client: entry.clientAddress, action: entry.action, subscriberId: entry.subscriberId, detail: entry.detail },
    "admin action",
  );
  try {
    await insertAudit(deps.db, entry);
  } catch (error) {
    // The action itself has happened; a lost audit row must not turn it into an error page.
    deps.logger.error({ err: error, action: entry.action }, "could not store the admin audit row");
  }
}
