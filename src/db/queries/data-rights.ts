import type postgres from "postgres";

/** The SQL behind the data-rights API: export one address, erase it, manage suppression. */

/**
 * Everything held about one address, in ONE statement (one consistent snapshot), as JSON with
 * the columns as stored. Undefined when the address is not on the list.
 */
export async function exportByEmail(sql: postgres.Sql, email: string): Promise<Record<string, unknown> | undefined> {
  const [row] = await sql<{ export: Record<string, unknown> }[]>`
    select jsonb_build_object(
      'subscriber', to_jsonb(s),
      'consents', (select coalesce(jsonb_agg(to_jsonb(c) order by c.created_at, c.id), '[]'::jsonb)
                     from consents c where c.subscriber_id = s.id),
      'enrollments', (select coalesce(jsonb_agg(to_jsonb(e) order by e.id), '[]'::jsonb)
                        from enrollments e where e.subscriber_id = s.id),
      'deliveries', (select coalesce(jsonb_agg(to_jsonb(d) order by d.id), '[]'::jsonb)
                       from deliveries d where d.subscriber_id = s.id),
      'events', (select coalesce(jsonb_agg(to_jsonb(ev) order by ev.id), '[]'::jsonb)
                   from email_events ev where ev.subscriber_id = s.id),
      'guideDownloads', (select coalesce(jsonb_agg(to_jsonb(g) order by g.id), '[]'::jsonb)
                           from guide_downloads g where g.subscriber_id = s.id),
      'outboxEmails', (select coalesce(jsonb_agg(to_jsonb(o) order by o.id), '[]'::jsonb)
                         from outbox_emails o where o."to" = s.email)
    ) as export
      from subscribers s
     where s.email = ${email} and s.erased_at is null`;
  return row?.export;
}

export async function isSuppressed(sql: postgres.Sql, emailHash: string): Promise<boolean> {
  const rows = await sql`select 1 from email_suppressions where email_hash = ${emailHash}`;
  return rows.length > 0;
}

export async function subscriberIdByEmail(sql: postgres.Sql, email: string): Promise<string | undefined> {
  const [row] = await sql<{ id: string }[]>`select id from subscribers where email = ${email} and erased_at is null`;
  return row?.id;
}

export interface EventToAnonymise {
  id: number;
  payload: unknown;
}

/**
 * Erases the personal data of one subscriber, in the caller's transaction, keeping the rows the
 * counts are made of (subscriber status and dates, deliveries, events, downloads) without
 * anything that identifies the person. Returns the subscriber's provider events, whose payloads
 * the caller anonymises with the same function the webhook processing uses.
 */
export async function scrubSubscriber(
  tx: postgres.TransactionSql,
  subscriberId: string,
): Promise<{ email: string; events: EventToAnonymise[] } | undefined> {
  const [row] = await tx<{ email: string }[]>`
    select email from subscribers where id = ${subscriberId} and erased_at is null for update`;
  if (!row) return undefined;
  // The address becomes a placeholder that can never be a real one (RFC 2606 .invalid), unique per
  // row. source and utm_* stay: they name the clinic's campaign (the page's link), not the person,
  // and the stats break the counts down by them.
  await tx`
    update subscribers
       set email = 'erased-' || id || '@erased.invalid', first_name = null, timezone = null,
           erased_at = now(), updated_at = now()
     where id = ${subscriberId}`;
  // Consent records hold the IP and user agent of each consent event; with the person gone
  // there is nothing left to prove consent for.
  await tx`delete from consents where subscriber_id = ${subscriberId}`;
  // Provider error texts may quote the address.
  await tx`update deliveries set last_error = null where subscriber_id = ${subscriberId} and last_error is not null`;
  // The outbox keeps whole emails (address, name, links): they go.
  await tx`delete from outbox_emails where "to" = ${row.email}`;
  await tx`update guide_downloads set user_agent = null where subscriber_id = ${subscriberId}`;
  const events = await tx<{ id: string; payload: unknown }[]>`
    select id, payload from email_events where subscriber_id = ${subscriberId}`;
  return { email: row.email, events: events.map((e) => ({ id: Number(e.id), payload: e.payload })) };
}

export async function replaceEventPayload(tx: postgres.TransactionSql, id: number, payload: unknown): Promise<void> {
  await tx`update email_events set payload = ${tx.json(payload as postgres.JSONValue)} where id = ${id}`;
}

export async function addSuppression(sql: postgres.Sql | postgres.TransactionSql, emailHash: string, reason: string): Promise<void> {
  await sql`
    insert into email_suppressions (email_hash, reason) values (${emailHash}, ${reason})
    on conflict (email_hash) do nothing`;
}

/**
 * Lifts every suppression of an address: its hash, and a bounced or complained status, which
 * becomes "unsubscribed" — the address may sign up again (and confirm), but nothing is sent to
 * it until it does. Returns whether anything was lifted.
 */
export async function liftSuppression(sql: postgres.Sql, email: string, emailHash: string): Promise<boolean> {
  const rows = await sql`
    with hashed as (
      delete from email_suppressions where email_hash = ${emailHash} returning 1
    ), status as (
      update subscribers set status = 'unsubscribed', updated_at = now()
       where email = ${email} and erased_at is null and status in ('bounced', 'complained')
      returning 1
    )
    select 1 from hashed union all select 1 from status`;
  return rows.length > 0;
}
