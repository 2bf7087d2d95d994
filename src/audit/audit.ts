import type { Database } from "../db/client.js";
import type { Logger } from "../logger.js";
import { countAuditRefusal, insertAudit, type AuditEntry } from "../db/queries/admin.js";

/**
 * Every admin action is logged (pino, `audit: true`) and kept in admin_audit: who ("admin", how
 * authenticated, from where), what, when; never a token, password or cookie, a person only by id.
 */
export interface AuditDeps {
  db: Database;
  logger: Logger;
}

/** Who acted: the admin (and how it authenticated) and the address it acted from. */
export interface Actor {
  actor: string;
  clientAddress: string | undefined;
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

/** The window refusals are counted in: the admin-token guess limit's own (15 minutes). */
export const REFUSAL_WINDOW_SECONDS = 15 * 60;

export type RefusalAction = "login.rate_limited" | "bearer.failed" | "bearer.rate_limited";

/**
 * Refusals are counted, not written one by one: an audit row per action, client and window with a
 * count (queries/admin.ts countAuditRefusal), a log line as it opens: a flood stays readable.
 */
export async function recordRefusal(deps: AuditDeps, action: RefusalAction, clientAddress: string | undefined): Promise<void> {
  try {
    const opened = await countAuditRefusal(deps.db, { actor: "anonymous", clientAddress, action, windowSeconds: REFUSAL_WINDOW_SECONDS });
    if (opened) {
      deps.logger.warn(
        { audit: true, client: clientAddress, action, windowMinutes: REFUSAL_WINDOW_SECONDS / 60 },
        "admin credential refused (further refusals from this client are counted in the same audit row this window)",
      );
    }
  } catch (error) {
    deps.logger.error({ err: error, action }, "could not count the admin refusal");
  }
}
