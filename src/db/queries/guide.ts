import type postgres from "postgres";
import { toClaimedSingleEmail, unclaimedState, type ClaimedSingleEmail, type SingleEmailClaim } from "./single-emails.js";

/** The SQL behind the guide: downloads for the stats, and "mail me a fresh link" emails. */

/**
 * Records one download. The token names the subscriber; if that row is gone (deleted), the
 * download still counts, without a subscriber.
 */
export async function recordGuideDownload(
  sql: postgres.Sql,
  subscriberId: string,
  userAgent: string | undefined,
): Promise<void> {
  await sql`
    insert into guide_downloads (subscriber_id, user_agent)
    values ((select id from subscribers where id = ${subscriberId}), ${userAgent ?? null})`;
}

/** Who may be mailed a fresh link: people who asked for the guide and whose address works. */
const FRESH_LINK_STATUSES = ["active", "unsubscribed"] as const;

/**
 * Creates a fresh-link email for the subscriber with this (normalised) address, unless one was
 * created for them within `gapSeconds`. Returns its id, or undefined when nothing is to be sent
 * (unknown address, bounced or complained, pending confirmation, or asked too recently) — the
 * caller answers the same in every case.
 *
 * Two statements in one transaction, on purpose: the first locks the subscriber row, so a
 * concurrent request for the same address waits; under READ COMMITTED the second statement
 * takes a new snapshot after the lock is granted and so sees the other request's committed row.
 * (In a single statement the NOT EXISTS would read the old snapshot and both could insert.)
 */
export async function requestGuideLinkEmail(
  sql: postgres.Sql,
  email: string,
  gapSeconds: number,
): Promise<number | undefined> {
  return sql.begin(async (tx) => {
    const [subscriber] = await tx<{ id: string }[]>`
      select id from subscribers
       where email = ${email} and status = any(${FRESH_LINK_STATUSES as unknown as string[]}::subscriber_status[])
       for update`;
    if (!subscriber) return undefined;
    const [row] = await tx<{ id: string }[]>`
      insert into guide_link_emails (subscriber_id)
      select ${subscriber.id}
       where not exists (
         select 1 from guide_link_emails
          where subscriber_id = ${subscriber.id} and created_at > now() - make_interval(secs => ${gapSeconds}))
      returning id`;
    return row ? Number(row.id) : undefined;
  });
}

/** Undoes a request whose job could not be queued, so the reader may simply ask again. */
export async function forgetGuideLinkEmail(sql: postgres.Sql, id: number): Promise<void> {
  await sql`delete from guide_link_emails where id = ${id} and state = 'scheduled'`;
}

export type ClaimedGuideLinkEmail = ClaimedSingleEmail;
export type GuideLinkClaim = SingleEmailClaim;

/**
 * Claims a fresh-link email for sending (DESIGN.md invariants 3 and 4), reading the subscriber
 * in the same statement: a bounce or complaint since the request cancels it. A claim older than
 * the lease belongs to a worker that died mid-call; the retry is a replay under the same key.
 */
export async function claimGuideLinkEmail(sql: postgres.Sql, id: number, leaseSeconds: number): Promise<GuideLinkClaim> {
  const rows = await sql<Record<string, unknown>[]>`
    update guide_link_emails g
       set state = case when s.status = any(${FRESH_LINK_STATUSES as unknown as string[]}::subscriber_status[])
                        then 'sending'::delivery_state else 'cancelled'::delivery_state end,
           attempts = g.attempts + 1,
           claimed_at = now()
      from subscribers s
     where g.id = ${id}
       and s.id = g.subscriber_id
       and (g.state = 'scheduled'
            or (g.state = 'sending' and g.claimed_at < now() - make_interval(secs => ${leaseSeconds})))
    returning g.id, g.subscriber_id, g.state, g.created_at, s.email, s.first_name`;
  const row = rows[0];
  return row ? { claimed: toClaimedSingleEmail(row) } : unclaimedState(sql, "guide_link_emails", id, leaseSeconds);
}

export async function markGuideLinkEmailSent(sql: postgres.Sql, id: number, providerMessageId: string): Promise<void> {
  await sql`
    update guide_link_emails
       set state = 'sent', sent_at = now(), provider_message_id = ${providerMessageId}, last_error = null
     where id = ${id} and state = 'sending'`;
}

export async function releaseGuideLinkEmail(sql: postgres.Sql, id: number, error: string): Promise<void> {
  await sql`
    update guide_link_emails set state = 'scheduled', claimed_at = null, last_error = ${error}
     where id = ${id} and state = 'sending'`;
}

export async function failGuideLinkEmail(sql: postgres.Sql, id: number, error: string): Promise<void> {
  await sql`
    update guide_link_emails set state = 'failed', last_error = ${error}
     where id = ${id} and state = 'sending'`;
}
