import type postgres from "postgres";
import { asksForConfirmation, type ConfirmationGaps, type SignupFields } from "./signup.js";
import type { ScheduledDelivery } from "./deliveries.js";

/** Double opt-in: the SQL behind confirmation requests, and the purge of the unconfirmed. */

/**
 * ONE statement, like the plain signup: a new address is stored pending with its consent record
 * and a confirmation message (a 'confirmation' row, due now); a known pending address gets another,
 * a known unsubscribed one (a new opt-in) one too; active, bounced and complained ones nothing. The
 * rate limit lives on the subscriber row: a concurrent request for the address waits for the row
 * lock and re-checks `confirmation_requested_at` on the updated row, so two racing requests cannot
 * both pass; a new address is decided by the unique index, as in signup. Returns the rows created.
 */
export async function requestConfirmation(sql: postgres.Sql, r: SignupFields & ConfirmationGaps): Promise<ScheduledDelivery[]> {
  return sql<ScheduledDelivery[]>`
    with created as (
      insert into subscribers (email, first_name, timezone, source, utm_source, utm_medium, utm_campaign,
                               status, confirmation_requested_at, last_signup_at)
      select ${r.email}, ${r.firstName ?? null}, ${r.timezone ?? null}, ${r.source ?? null},
             ${r.utmSource ?? null}, ${r.utmMedium ?? null}, ${r.utmCampaign ?? null}, 'pending', now(), now()
       where not exists (select 1 from email_suppressions where email_hash = ${r.emailHash})
      on conflict (email) do nothing
      returning id
    ), known as (
      update subscribers s
         set confirmation_requested_at = now(), updated_at = now(), last_signup_at = now()
       where s.email = ${r.email} and ${asksForConfirmation(sql, r)}
      returning s.id
    ), touched as (
      -- Every other known address is written too (only its last_signup_at), so a signup commits a
      -- write whether or not the address is known: the time taken tells nothing (issue 17).
      -- Excluding known's rows keeps each row modified once in this statement.
      update subscribers set last_signup_at = now()
       where email = ${r.email} and erased_at is null and id not in (select id from known)
      returning id
    ), requester as (
      select id from created union all select id from known
    ), consent as (
      insert into consents (subscriber_id, kind, ip, user_agent, form_version, wording)
      select id, 'signup', ${r.ip ?? null}, ${r.userAgent ?? null}, ${r.formVersion}, ${r.wording} from requester
    )
    insert into deliveries (kind, subscriber_id, due_at)
    select 'confirmation', id, now() from requester
    returning id, due_at as "dueAt"`;
}

/**
 * Deletes the double opt-in requests nobody confirmed within the TTL (from the last request):
 * pending subscribers, or ones that left from the confirmation email before ever starting. Bounced
 * and complained addresses stay: they are the suppression. Events about their confirmation emails
 * (which hold the address) go with them. Returns how many subscribers were deleted.
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
