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

export interface NewSignup extends SignupFields {
  sequence: string;
  firstStep: string;
}

export interface SignupRow {
  subscriberId: string;
  deliveryId: number;
  dueAt: Date;
}

export interface SignupBatchRow extends SignupRow {
  email: string;
}

/**
 * Subscriber, consent, enrollment and the first delivery for a whole batch of signups in ONE
 * statement: one round trip and one commit (one WAL flush) for many readers, atomic, and
 * committed before the API answers any of them. A repeat signup only touches the known row's
 * `last_signup_at` (`xmax = 0` tells a row just inserted from one updated): decided by the unique
 * index, so racing requests for one address cannot both insert — and it still writes and
 * commits, so a known address is not answered faster than a new one (issue 17).
 * Rows go in sorted by address, so two concurrent batches lock in the same order and cannot
 * deadlock. Returns a row per address that was inserted; a known address, or one whose hash is
 * suppressed (an admin's erase), has none.
 */
export async function insertSignups(sql: postgres.Sql, batch: NewSignup[]): Promise<SignupBatchRow[]> {
  if (batch.length === 0) return [];
  const first = batch[0]!;
  const column = <T>(pick: (s: NewSignup) => T | undefined) => batch.map((s) => pick(s) ?? null);
  // The raw pool parses int8 as a number and timestamptz as a Date (src/db/client.ts): the row is
  // already what the caller gets, so the names are aliased in SQL and nothing is mapped here.
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
      insert into subscribers (email, first_name, timezone, source, utm_source, utm_medium, utm_campaign, status, confirmed_at, last_signup_at)
      select email, first_name, timezone, source, utm_source, utm_medium, utm_campaign, 'active', now(), now()
        from input i
       where not exists (select 1 from email_suppressions x where x.email_hash = i.email_hash)
       order by email
      on conflict (email) do update set last_signup_at = excluded.last_signup_at
      returning id, email, xmax = 0 as inserted
    ), subscriber as (
      select id, email from upsert where inserted
    ), consent as (
      insert into consents (subscriber_id, kind, ip, user_agent, form_version, wording)
      select s.id, 'signup', i.ip, i.user_agent, ${first.formVersion}, ${first.wording}
        from subscriber s join input i using (email)
    ), enrollment as (
      insert into enrollments (subscriber_id, sequence, state, next_step, next_send_at)
      select id, ${first.sequence}, 'active', ${first.firstStep}, now() from subscriber
      returning id, subscriber_id
    ), delivery as (
      insert into deliveries (enrollment_id, subscriber_id, step, state, due_at)
      select id, subscriber_id, ${first.firstStep}, 'scheduled', now() from enrollment
      returning subscriber_id, id, due_at
    )
    select s.email, d.subscriber_id as "subscriberId", d.id as "deliveryId", d.due_at as "dueAt"
      from delivery d join subscriber s on s.id = d.subscriber_id`;
}
