import type postgres from "postgres";
import { asDate } from "./values.js";

export interface NewSignup {
  email: string;
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
  sequence: string;
  firstStep: string;
}

export interface SignupRow {
  subscriberId: string;
  deliveryId: number;
  dueAt: Date;
}

/**
 * Subscriber, consent, enrollment and the first delivery in ONE statement: one round trip,
 * atomic (a statement is its own transaction), and committed before the API answers.
 * `on conflict do nothing` makes a repeat signup a no-op — decided by the unique index, so
 * two racing requests for the same address cannot both insert. Returns undefined when the
 * address was already on the list.
 */
export async function insertSignup(sql: postgres.Sql, s: NewSignup): Promise<SignupRow | undefined> {
  const rows = await sql<{ subscriber_id: string; delivery_id: string; due_at: Date }[]>`
    with subscriber as (
      insert into subscribers (email, first_name, timezone, source, utm_source, utm_medium, utm_campaign, status, confirmed_at)
      values (${s.email}, ${s.firstName ?? null}, ${s.timezone ?? null}, ${s.source ?? null},
              ${s.utmSource ?? null}, ${s.utmMedium ?? null}, ${s.utmCampaign ?? null}, 'active', now())
      on conflict (email) do nothing
      returning id
    ), consent as (
      insert into consents (subscriber_id, kind, ip, user_agent, form_version, wording)
      select id, 'signup', ${s.ip ?? null}, ${s.userAgent ?? null}, ${s.formVersion}, ${s.wording} from subscriber
    ), enrollment as (
      insert into enrollments (subscriber_id, sequence, state, next_step, next_send_at)
      select id, ${s.sequence}, 'active', ${s.firstStep}, now() from subscriber
      returning id, subscriber_id
    )
    insert into deliveries (enrollment_id, subscriber_id, step, state, due_at)
    select id, subscriber_id, ${s.firstStep}, 'scheduled', now() from enrollment
    returning subscriber_id, id as delivery_id, due_at`;
  const row = rows[0];
  if (!row) return undefined;
  return { subscriberId: row.subscriber_id, deliveryId: Number(row.delivery_id), dueAt: asDate(row.due_at) };
}
