import type postgres from "postgres";
import type { ScheduledDelivery } from "./deliveries.js";

/** The SQL behind "mail me a fresh link" emails (downloads: src/db/queries/link-visits.ts). */

/** Who may be mailed a fresh link: people who asked for the guide and whose address works. */
const FRESH_LINK_STATUSES = ["active", "unsubscribed"] as const;

/**
 * Creates a fresh-link message (due now) for the subscriber with this normalised address, unless
 * one was created within `gapSeconds`; undefined when nothing is to be sent. The caller answers the
 * same either way once this committed (issue 28). Every address costs the same transaction
 * (docs/security.md): a transaction id, so even an unknown address's commit is flushed. Two
 * statements on purpose: the first takes a per-address advisory lock, so under READ COMMITTED the
 * second's new snapshot sees a concurrent request's committed row (in one, both could insert).
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
