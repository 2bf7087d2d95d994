import type postgres from "postgres";
import type { SignupFields } from "./signup.js";
import { toClaimedSingleEmail, unclaimedState, type ClaimedSingleEmail, type SingleEmailClaim } from "./single-emails.js";

/** Double opt-in: the SQL behind confirmation requests and their claimed, idempotent sends. */

export interface ConfirmationRequest extends SignupFields {
  /** True when a new address may be stored (as pending); false for a known address only. */
  createIfNew: boolean;
  /** A pending address asking again gets a new email at most this often. */
  pendingGapSeconds: number;
  /** An unsubscribed address asking to come back gets a confirmation at most this often. */
  returningGapSeconds: number;
}

export interface ConfirmationRow {
  id: number;
  subscriberId: string;
}

/**
 * ONE statement, like the plain signup: a new address is stored pending with its consent record
 * and a confirmation email row; a known pending address gets another confirmation row; a known
 * unsubscribed address (a new opt-in) gets one too. Active, bounced and complained addresses get
 * nothing. The rate limit lives on the subscriber row: a concurrent request for the same address
 * waits for the row lock and re-checks `confirmation_requested_at` on the updated row, so two
 * racing requests cannot both pass; a new address is decided by the unique index, as in signup.
 * Returns the confirmation rows created (empty when nothing is to be sent).
 */
export async function requestConfirmation(sql: postgres.Sql, r: ConfirmationRequest): Promise<ConfirmationRow[]> {
  const rows = await sql<{ id: string; subscriber_id: string }[]>`
    with created as (
      insert into subscribers (email, first_name, timezone, source, utm_source, utm_medium, utm_campaign,
                               status, confirmation_requested_at)
      select ${r.email}, ${r.firstName ?? null}, ${r.timezone ?? null}, ${r.source ?? null},
             ${r.utmSource ?? null}, ${r.utmMedium ?? null}, ${r.utmCampaign ?? null}, 'pending', now()
       where ${r.createIfNew}
         and not exists (select 1 from email_suppressions where email_hash = ${r.emailHash})
      on conflict (email) do nothing
      returning id
    ), known as (
      update subscribers
         set confirmation_requested_at = now(), updated_at = now()
       where email = ${r.email}
         and erased_at is null
         and (   (status = 'pending'
                  and (confirmation_requested_at is null
                       or confirmation_requested_at < now() - make_interval(secs => ${r.pendingGapSeconds})))
              or (status = 'unsubscribed'
                  and (confirmation_requested_at is null
                       or confirmation_requested_at <= left_at  -- the first request since leaving
                       or confirmation_requested_at < now() - make_interval(secs => ${r.returningGapSeconds}))))
      returning id
    ), requester as (
      select id from created union all select id from known
    ), consent as (
      insert into consents (subscriber_id, kind, ip, user_agent, form_version, wording)
      select id, 'signup', ${r.ip ?? null}, ${r.userAgent ?? null}, ${r.formVersion}, ${r.wording} from requester
    )
    insert into confirmation_emails (subscriber_id)
    select id from requester
    returning id, subscriber_id`;
  return rows.map((row) => ({ id: Number(row.id), subscriberId: row.subscriber_id }));
}

export type ClaimedConfirmation = ClaimedSingleEmail;
export type ConfirmationClaim = SingleEmailClaim;

/**
 * Claims a confirmation email for sending (invariants 3 and 4), reading the subscriber in the same
 * statement: it is sent only to an address still waiting — pending, or unsubscribed with a request
 * made after it left (a new opt-in). A claim older than the lease belongs to a dead worker.
 */
export async function claimConfirmation(sql: postgres.Sql, id: number, leaseSeconds: number): Promise<ConfirmationClaim> {
  const rows = await sql<Record<string, unknown>[]>`
    update confirmation_emails c
       set state = case
                     when s.erased_at is null
                      and (s.status = 'pending'
                           or (s.status = 'unsubscribed'
                               and s.confirmation_requested_at > coalesce(s.left_at, '-infinity'::timestamptz)))
                     then 'sending'::delivery_state
                     else 'cancelled'::delivery_state
                   end,
           attempts = c.attempts + 1,
           claimed_at = now(),
           updated_at = now()
      from subscribers s
     where c.id = ${id}
       and s.id = c.subscriber_id
       and (c.state = 'scheduled'
            or (c.state = 'sending' and c.claimed_at < now() - make_interval(secs => ${leaseSeconds})))
    returning c.id, c.subscriber_id, c.state, c.created_at, s.email, s.first_name`;
  const row = rows[0];
  return row ? { claimed: toClaimedSingleEmail(row) } : unclaimedState(sql, "confirmation_emails", id, leaseSeconds);
}

export async function markConfirmationSent(sql: postgres.Sql, id: number, providerMessageId: string): Promise<boolean> {
  const rows = await sql`
    update confirmation_emails
       set state = 'sent', sent_at = now(), provider_message_id = ${providerMessageId}, last_error = null, updated_at = now()
     where id = ${id} and state = 'sending'
    returning id`;
  return rows.length === 1;
}

export async function releaseConfirmation(sql: postgres.Sql, id: number, error: string): Promise<void> {
  await sql`
    update confirmation_emails set state = 'scheduled', claimed_at = null, last_error = ${error}, updated_at = now()
     where id = ${id} and state = 'sending'`;
}

export async function failConfirmation(sql: postgres.Sql, id: number, error: string): Promise<void> {
  await sql`
    update confirmation_emails set state = 'failed', last_error = ${error}, updated_at = now()
     where id = ${id} and state = 'sending'`;
}

/**
 * Confirmations whose job may be missing (invariant 2): scheduled ones older than `graceSeconds`
 * (the API enqueues right after its commit) and claims abandoned longer than the lease.
 */
export async function strandedConfirmations(
  sql: postgres.Sql,
  options: { graceSeconds: number; leaseSeconds: number; limit: number },
): Promise<number[]> {
  const rows = await sql<{ id: string }[]>`
    select id from confirmation_emails
     where (state = 'scheduled' and created_at < now() - make_interval(secs => ${options.graceSeconds}))
        or (state = 'sending' and claimed_at < now() - make_interval(secs => ${options.leaseSeconds}))
     order by id
     limit ${options.limit}`;
  return rows.map((r) => Number(r.id));
}

/**
 * Deletes the double opt-in requests nobody confirmed within the TTL (counted from the last
 * request): never-confirmed subscribers that are pending, or that left from the confirmation
 * email before ever starting the sequence. Bounced and complained addresses stay: they are the
 * suppression. Events about their confirmation emails (which hold the address) go with them.
 * Returns how many subscribers were deleted.
 */
export async function purgeExpiredPending(sql: postgres.Sql, ttlSeconds: number, limit = 1000): Promise<number> {
  return sql.begin(async (tx) => {
    const expired = await tx<{ id: string }[]>`
      select s.id from subscribers s
       where s.status in ('pending', 'unsubscribed')
         and s.confirmed_at is null
         and greatest(s.created_at, coalesce(s.confirmation_requested_at, s.created_at))
             < now() - make_interval(secs => ${ttlSeconds})
         and not exists (select 1 from enrollments e where e.subscriber_id = s.id)
       limit ${limit}
       for update skip locked`;
    if (expired.length === 0) return 0;
    const ids = expired.map((r) => r.id);
    await tx`delete from email_events where subscriber_id = any(${tx.array(ids)}::uuid[])`;
    const deleted = await tx`delete from subscribers where id = any(${tx.array(ids)}::uuid[]) returning id`;
    return deleted.length;
  });
}
