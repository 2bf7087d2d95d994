import type postgres from "postgres";
import type { Database } from "../db/client.js";
import * as queries from "../db/queries/admin.js";

/**
 * What the admin pages read: the search, one subscriber's record, recent failures, the outbox,
 * the audit trail and the CSV export's rows. The routes call these, never src/db directly, so
 * how a read is done (SQL, drizzle, a cache) stays a concern of this module and src/db.
 */
export interface AdminReadDeps {
  db: Database;
  /** The raw pool: the CSV export reads through a server-side cursor. */
  sql: postgres.Sql;
}

/** Addresses starting with `q` (lower-cased), or the newest signups when `q` is empty. */
export function findSubscribers(deps: AdminReadDeps, q: string) {
  return q ? queries.searchSubscribers(deps.db, q, 50) : queries.recentSubscribers(deps.db, 25);
}

export function subscriberRecord(deps: AdminReadDeps, id: string) {
  return queries.subscriberRecord(deps.db, id);
}

export function recentFailures(deps: AdminReadDeps, limit: number) {
  return queries.recentFailures(deps.db, limit);
}

export function recentUnprocessableEvents(deps: AdminReadDeps, limit: number) {
  return queries.recentUnprocessableEvents(deps.db, limit);
}

/** One page of the outbox, newest first, before the email with id `before`, To containing `address`. */
export function outboxPage(deps: AdminReadDeps, before: number | undefined, limit: number, address = "") {
  return queries.outboxPage(deps.db, before, limit, address);
}

export function outboxEmail(deps: AdminReadDeps, id: number) {
  return queries.outboxEmail(deps.db, id);
}

/** One page of the audit trail, newest first, before the row with id `before`. */
export function auditPage(deps: AdminReadDeps, before: number | undefined, limit: number) {
  return queries.auditPage(deps.db, before, limit);
}

export const EXPORT_COLUMNS = queries.EXPORT_COLUMNS;

/** The CSV export's rows, a batch at a time from one snapshot (a server-side cursor). */
export function exportSubscribers(deps: AdminReadDeps, filter: queries.ExportFilter) {
  return queries.exportSubscribers(deps.sql, filter);
}
