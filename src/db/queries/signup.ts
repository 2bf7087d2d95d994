import type postgres from "postgres";

/** What a signup stores about the reader and their consent, whichever way it is written. */
export interface SignupFields {
  email: string;
  /** sha256 of the normalised address: an address an admin erased and suppressed is not stored again. */
  emailHash: string;
  firstName: string | undefined;
  timezone: string | undefined;
  source: string | undefined;
  utmSource: string | undefined;
  utmMedium: string | undefined;
  utmCampaign: string | undefined;
  ip: string | undefined;
  userAgent: string | undefined;
  formVersion: string;
  wording: string;
}

/** How often a known address is sent a confirmation again (src/campaign/opt-in.ts has the gaps). */
export interface ConfirmationGaps {
  /** A known pending address is sent the confirmation again at most this often. */
  pendingGapSeconds: number;
  /** A known unsubscribed address (opting back in) is sent a confirmation at most this often. */
  returningGapSeconds: number;
}

export interface NewSignup extends SignupFields, ConfirmationGaps {
  sequence: string;
  firstStep: string;
}

/**
 * The one test of "asks for a confirmation", on the subscriber row `s` (locked by the statement
 * that reads it): pending or unsubscribed, not erased, and none sent within the gap.
 */
export function asksForConfirmation(sql: postgres.Sql, gaps: ConfirmationGaps) {
  return sql`
    s.erased_at is null
    and (   (s.status = 'pending'
             and (s.confirmation_requested_at is null
                  or s.confirmation_requested_at < now() - make_interval(secs => ${gaps.pendingGapSeconds})))
         or (s.status = 'unsubscribed'
             and (s.confirmation_requested_at is null
                  or s.confirmation_requested_at <= s.left_at  -- the first request since leaving
                  or s.confirmation_requested_at < now() - make_interval(secs => ${gaps.returningGapSeconds}))))`;
}

export interface SignupBatchRow {
  subscriberId: string;
  deliveryId: number;
  dueAt: Date;
  email: string;
  /** A new address's welcome (a step), or a returning address's confirmation. */
  kind: "step" | "confirmation";
}

/**
 * Every signup of a batch in ONE statement: one round trip and one commit for many readers,
 * committed before the API answers any of them (DESIGN.md invariant 1). A new address gets its
 * subscriber, consent, enrollment and welcome; a known one — decided by the unique index (`xmax =
 * 0`: just inserted), so racing requests cannot both insert — a consent record and a confirmation
 * row, due (pending or unsubscribed, within the rate limit checked on the row the conflict arm
 * locked) or written cancelled: the same work either way (docs/security.md "Signup costs the same
 * for a known and a new address"). Sorted by address, so concurrent batches cannot deadlock.
 * Returns each address's message row; an address suppressed by an admin's erase has none.
 */
export async function insertSignups(sql: postgres.Sql, batch: NewSignup[]): Promise<SignupBatchRow[]> {
  if (batch.length === 0) return [];
  const first = batch[0]!;
  const column = <T>(pick: (s: NewSignup) => T | undefined) => batch.map((s) => pick(s) ?? null);
  // The raw pool parses int8 as a number, timestamptz as a Date (src/db/client.ts): rows come as the
  // caller gets them (aliased in SQL, nothing mapped). Used for both columns the conflict arm sets.
  const asks = asksForConfirmation(sql, first);
  return sql<SignupBatchRow[]>`
    with input as (
      select distinct on (email) *
        from unnest(
          ${column((s) => s.email)}::text[], ${column((s) => s.emailHash)}::text[],
          ${column((s) => s.firstName)}::text[], ${column((s) => s.timezone)}::text[],
          ${column((s) => s.source)}::text[], ${column((s) => s.utmSource)}::text[],
          ${column((s) => s.utmMedium)}::text[], ${column((s) => s.utmCampaign)}::text[],
          ${column((s) => s.ip)}::text[], ${column((s) => s.userAgent)}::text[]
        ) as i(email, email_hash, first_name, timezone, source, utm_source, utm_medium, utm_campaign, ip, user_agent)
       order by email
    ), upsert as (
      insert into subscribers as s (email, first_name, timezone, source, utm_source, utm_medium, utm_campaign, status, confirmed_at, last_signup_at)
      select email, first_name, timezone, source, utm_source, utm_medium, utm_campaign, 'active', now(), now()
        from input i
       where not exists (select 1 from email_suppressions x where x.email_hash = i.email_hash)
       order by email
      on conflict (email) do update
         set last_signup_at = excluded.last_signup_at,
             confirmation_requested_at = case when ${asks} then now() else s.confirmation_requested_at end,
             updated_at = case when ${asks} then now() else s.updated_at end
      -- A known row asked for a confirmation iff the conflict arm just set it (now() is this
      -- transaction's start; a row inserted here has none).
      returning id, email, xmax = 0 as inserted,
                xmax <> 0 and confirmation_requested_at = now() and status in ('pending', 'unsubscribed') as asked
    ), consent as (
      insert into consents (subscriber_id, kind, ip, user_agent, form_version, wording)
      select u.id, 'signup', i.ip, i.user_agent, ${first.formVersion}, ${first.wording}
        from upsert u join input i using (email)
    ), enrollment as (
      insert into enrollments (subscriber_id, sequence, state, next_step, next_send_at)
      select id, ${first.sequence}, 'active', ${first.firstStep}, now() from upsert where inserted
      returning id, subscriber_id
    ), delivery as (
      insert into deliveries (kind, enrollment_id, subscriber_id, step, state, due_at, last_error)
      select 'step', id, subscriber_id, ${first.firstStep}::text, 'scheduled'::delivery_state, now(), null::text from enrollment
      union all
      select 'confirmation', null, id, null, case when asked then 'scheduled' else 'cancelled' end::delivery_state, now(),
             case when asked then null else 'not sent: a repeat signup with nothing to confirm, or asked too recently' end
        from upsert where not inserted
      returning subscriber_id, id, due_at, kind, state
    )
    select u.email, d.subscriber_id as "subscriberId", d.id as "deliveryId", d.due_at as "dueAt", d.kind
      from delivery d join upsert u on u.id = d.subscriber_id`;
}
