import type postgres from "postgres";
import type { ScheduledDelivery } from "./deliveries.js";

/** The SQL behind "mail me a fresh link" emails (downloads: src/db/queries/link-visits.ts). */

/** Who may be mailed a fresh link: people who asked for the guide and whose address works. */
const FRESH_LINK_STATUSES = ["active", "unsubscribed"] as const;

/**
 * Creates a fresh-link message (a row of kind 'fresh-link', due now) for the subscriber with this
 * (normalised) address, unless one was created for them within `gapSeconds`. Returns it, or
 * undefined when nothing is to be sent (unknown address, bounced or complained, pending
 * confirmation, or asked too recently) — the caller answers the same in every case.
 *
 * Two statements in one transaction, on purpose: the first locks the subscriber row, so a
 * concurrent request for the same address waits; under READ COMMITTED the second statement
 * takes a new snapshot after the lock is granted and so sees the other request's committed row.
 * (In a single statement the NOT EXISTS would read the old snapshot and both could insert.)
 */
export async function requestFreshLinkEmail(
  sql: postgres.Sql,
  email: string,
  gapSeconds: number,
): Promise<ScheduledDelivery | undefined> {
  return sql.begin(async (tx) => {
    const [subscriber] = await tx<{ id: string }[]>`
      select id from subscribers
       where email = ${email} and status = any(${FRESH_LINK_STATUSES as unknown as string[]}::subscriber_status[])
       for update`;
    if (!subscriber) return undefined;
    const [row] = await tx<ScheduledDelivery[]>`
      insert into deliveries (kind, subscriber_id, due_at)
      select 'fresh-link', ${subscriber.id}, now()
       where not exists (
         select 1 from deliveries
          where subscriber_id = ${subscriber.id} and kind = 'fresh-link'
            and created_at > now() - make_interval(secs => ${gapSeconds}))
      returning id, due_at as "dueAt"`;
    return row;
  });
}
