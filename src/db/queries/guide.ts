import type postgres from "postgres";
import type { ScheduledDelivery } from "./deliveries.js";

/** The SQL behind "mail me a fresh link" emails (downloads: src/db/queries/link-visits.ts). */

/** Who may be mailed a fresh link: people who asked for the guide and whose address works. */
const FRESH_LINK_STATUSES = ["active", "unsubscribed"] as const;

/**
 * Creates a fresh-link message (a row of kind 'fresh-link', due now) for the subscriber with this
 * (normalised) address, unless one was created for them within `gapSeconds`. Returns it, or
 * undefined when nothing is to be sent (unknown address, bounced or complained, pending
 * confirmation, or asked too recently) — the caller answers the same in every case, and only
 * once this has committed (issue 28: the request used to run after the answer, so a crash lost
 * it).
 *
 * Every address costs the same transaction, known or not (issue 30's rule, and DESIGN.md
 * invariant 1's: no way to learn who is on the list): the same two statements, and a commit that
 * is written and flushed, since the first statement takes a transaction id (pg_current_xact_id)
 * — a transaction that wrote nothing would commit without flushing the WAL, faster. A known
 * address differs by the one row inserted.
 * Two statements on purpose: the first takes a lock per address (an advisory lock, which an
 * unknown address can take too), so a concurrent request for the same address waits; under READ
 * COMMITTED the second statement takes a new snapshot after the lock is granted and so sees the
 * other request's committed row. (In a single statement the NOT EXISTS would read the old snapshot
 * and both could insert.)
 */
export async function requestFreshLinkEmail(
  sql: postgres.Sql,
  email: string,
  gapSeconds: number,
): Promise<ScheduledDelivery | undefined> {
  return sql.begin(async (tx) => {
    await tx`select pg_current_xact_id(), pg_advisory_xact_lock(${FRESH_LINK_LOCK}, hashtext(${email}))`;
    const [row] = await tx<ScheduledDelivery[]>`
      insert into deliveries (kind, subscriber_id, due_at)
      select 'fresh-link', s.id, now() from subscribers s
       where s.email = ${email} and s.status = any(${FRESH_LINK_STATUSES as unknown as string[]}::subscriber_status[])
         and not exists (
           select 1 from deliveries d
            where d.subscriber_id = s.id and d.kind = 'fresh-link'
              and d.created_at > now() - make_interval(secs => ${gapSeconds}))
      returning id, due_at as "dueAt"`;
    return row;
  });
}

/**
 * The advisory lock space of fresh-link requests (the first key of the two-key form; the second is
 * the address's hash). Another address with the same hash only waits a moment.
 */
export const FRESH_LINK_LOCK = 0x66726c;
