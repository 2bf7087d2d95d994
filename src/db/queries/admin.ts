import type postgres from "postgres";
import type { CohortFilter } from "./stats.js";
import { asDate, asDateOrNull } from "./values.js";

/** The SQL behind the admin pages: search, one subscriber's record, failures, outbox, audit. */

export interface SubscriberListItem {
  id: string;
  email: string;
  status: string;
  source: string | null;
  createdAt: Date;
  erasedAt: Date | null;
}

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (ch) => `\\${ch}`);

/** Addresses starting with `prefix` (already lower-cased), in address order. */
export async function searchSubscribers(sql: postgres.Sql, prefix: string, limit: number): Promise<SubscriberListItem[]> {
  const rows = await sql<Record<string, unknown>[]>`
    select id, email, status, source, created_at, erased_at from subscribers
     where email like ${`${escapeLike(prefix)}%`}
     order by email limit ${limit}`;
  return rows.map((r) => ({
    id: String(r.id),
    email: String(r.email),
    status: String(r.status),
    source: (r.source as string | null) ?? null,
    createdAt: asDate(r.created_at),
    erasedAt: asDateOrNull(r.erased_at),
  }));
}

export async function recentSubscribers(sql: postgres.Sql, limit: number): Promise<SubscriberListItem[]> {
  const rows = await sql<Record<string, unknown>[]>`
    select id, email, status, source, created_at, erased_at from subscribers order by created_at desc limit ${limit}`;
  return rows.map((r) => ({
    id: String(r.id),
    email: String(r.email),
    status: String(r.status),
    source: (r.source as string | null) ?? null,
    createdAt: asDate(r.created_at),
    erasedAt: asDateOrNull(r.erased_at),
  }));
}

export interface SubscriberRecord {
  subscriber: Record<string, unknown> & { id: string; email: string; status: string };
  consents: Record<string, unknown>[];
  enrollments: Record<string, unknown>[];
  deliveries: Record<string, unknown>[];
  events: Record<string, unknown>[];
  downloads: Record<string, unknown>[];
  confirmations: Record<string, unknown>[];
  audit: Record<string, unknown>[];
}

/** Everything about one subscriber the detail page shows, in one round trip per table. */
export async function subscriberRecord(sql: postgres.Sql, id: string): Promise<SubscriberRecord | undefined> {
  const [subscriber] = await sql<SubscriberRecord["subscriber"][]>`select * from subscribers where id = ${id}`;
  if (!subscriber) return undefined;
  const [consents, enrollments, deliveries, events, downloads, confirmations, audit] = await Promise.all([
    sql`select kind, ip, user_agent, form_version, created_at from consents where subscriber_id = ${id} order by created_at`,
    sql`select sequence, state, current_step, next_step, next_send_at, created_at, ended_at from enrollments where subscriber_id = ${id}`,
    sql`select id, step, state, due_at, sent_at, attempts, last_error, provider_message_id, updated_at
          from deliveries where subscriber_id = ${id} and kind = 'step' order by due_at, id`,
    sql`select e.type, e.url, e.bounce_type, coalesce(e.occurred_at, e.received_at) as at, d.step
          from email_events e join deliveries d on d.id = e.delivery_id
         where d.subscriber_id = ${id} order by at`,
    sql`select downloaded_at, user_agent from guide_downloads where subscriber_id = ${id} order by downloaded_at`,
    sql`select state, sent_at, created_at, last_error from deliveries where subscriber_id = ${id} and kind = 'confirmation' order by created_at`,
    sql`select at, actor, client_address, action, detail from admin_audit where subscriber_id = ${id} order by at`,
  ]);
  return { subscriber, consents, enrollments, deliveries, events, downloads, confirmations, audit };
}

export interface FailureRow {
  deliveryId: number;
  subscriberId: string;
  email: string;
  step: string;
  attempts: number;
  lastError: string | null;
  at: Date;
}

export async function recentFailures(sql: postgres.Sql, limit: number): Promise<FailureRow[]> {
  const rows = await sql<Record<string, unknown>[]>`
    select d.id, d.subscriber_id, s.email, coalesce(d.step, d.kind) as step, d.attempts, d.last_error, d.updated_at
      from deliveries d join subscribers s on s.id = d.subscriber_id
     where d.state = 'failed'
     order by d.updated_at desc limit ${limit}`;
  return rows.map((r) => ({
    deliveryId: Number(r.id),
    subscriberId: String(r.subscriber_id),
    email: String(r.email),
    step: String(r.step),
    attempts: Number(r.attempts),
    lastError: (r.last_error as string | null) ?? null,
    at: asDate(r.updated_at),
  }));
}

export interface OutboxListItem {
  id: number;
  step: string;
  to: string;
  subject: string;
  createdAt: Date;
}

/** The outbox, newest first, `before` an id for the next page. */
export async function outboxPage(sql: postgres.Sql, before: number | undefined, limit: number): Promise<OutboxListItem[]> {
  const rows = await sql<Record<string, unknown>[]>`
    select id, step, "to", subject, created_at from outbox_emails
     where ${before === undefined ? sql`true` : sql`id < ${before}`}
     order by id desc limit ${limit}`;
  return rows.map((r) => ({
    id: Number(r.id),
    step: String(r.step),
    to: String(r.to),
    subject: String(r.subject),
    createdAt: asDate(r.created_at),
  }));
}

export interface OutboxEmailRow extends OutboxListItem {
  from: string;
  replyTo: string | null;
  html: string;
  text: string;
  headers: Record<string, string>;
  tags: { name: string; value: string }[];
  idempotencyKey: string;
  messageId: string;
}

export async function outboxEmail(sql: postgres.Sql, id: number): Promise<OutboxEmailRow | undefined> {
  const [r] = await sql<Record<string, unknown>[]>`select * from outbox_emails where id = ${id}`;
  if (!r) return undefined;
  return {
    id: Number(r.id),
    step: String(r.step),
    to: String(r.to),
    subject: String(r.subject),
    createdAt: asDate(r.created_at),
    from: String(r.from),
    replyTo: (r.reply_to as string | null) ?? null,
    html: String(r.html),
    text: String(r.text),
    headers: (typeof r.headers === "string" ? JSON.parse(r.headers) : r.headers) as Record<string, string>,
    tags: (typeof r.tags === "string" ? JSON.parse(r.tags) : r.tags) as { name: string; value: string }[],
    idempotencyKey: String(r.idempotency_key),
    messageId: String(r.message_id),
  };
}

export interface AuditEntry {
  actor: string;
  clientAddress: string | undefined;
  action: string;
  subscriberId?: string | undefined;
  detail?: Record<string, unknown>;
}

export async function insertAudit(sql: postgres.Sql, e: AuditEntry): Promise<void> {
  await sql`
    insert into admin_audit (actor, client_address, action, subscriber_id, detail)
    values (${e.actor}, ${e.clientAddress ?? null}, ${e.action}, ${e.subscriberId ?? null},
            ${sql.json((e.detail ?? {}) as postgres.JSONValue)})`;
}

export async function recentAudit(sql: postgres.Sql, limit: number): Promise<Record<string, unknown>[]> {
  return sql`
    select a.at, a.actor, a.client_address, a.action, a.subscriber_id, a.detail
      from admin_audit a order by a.at desc limit ${limit}`;
}

/** The CSV export's columns, in order. */
export const EXPORT_COLUMNS = [
  "id",
  "email",
  "first_name",
  "status",
  "source",
  "utm_source",
  "utm_medium",
  "utm_campaign",
  "timezone",
  "created_at",
  "confirmed_at",
  "left_at",
  "erased_at",
  "sequence_state",
  "last_step_sent",
  "guide_downloads",
] as const;

export interface ExportFilter extends CohortFilter {
  status?: string;
}

/**
 * Subscribers for the CSV export through a server-side cursor: `batch` rows at a time from one
 * snapshot, so a million rows never sit in memory and the file is consistent.
 */
export async function* exportSubscribers(
  sql: postgres.Sql,
  filter: ExportFilter,
  batch = 2000,
): AsyncGenerator<Record<string, unknown>[]> {
  const conditions = [sql`true`];
  if (filter.from) conditions.push(sql`s.created_at >= ${filter.from}::date::timestamp at time zone 'UTC'`);
  if (filter.to) conditions.push(sql`s.created_at < (${filter.to}::date + 1)::timestamp at time zone 'UTC'`);
  const labels = [
    [filter.source, sql`s.source`],
    [filter.utmSource, sql`s.utm_source`],
    [filter.utmMedium, sql`s.utm_medium`],
    [filter.utmCampaign, sql`s.utm_campaign`],
  ] as const;
  for (const [value, column] of labels) {
    if (value !== undefined) conditions.push(value === null ? sql`${column} is null` : sql`${column} = ${value}`);
  }
  if (filter.status) conditions.push(sql`s.status = ${filter.status}::subscriber_status`);
  const where = conditions.reduce((acc, c) => sql`${acc} and ${c}`);
  const cursor = sql`
    select s.id, s.email, s.first_name, s.status, s.source, s.utm_source, s.utm_medium, s.utm_campaign, s.timezone,
           s.created_at, s.confirmed_at, s.left_at, s.erased_at,
           e.state as sequence_state, e.current_step as last_step_sent,
           (select count(*) from guide_downloads g where g.subscriber_id = s.id)::int as guide_downloads
      from subscribers s
      left join lateral (select state, current_step from enrollments where subscriber_id = s.id order by created_at desc limit 1) e on true
     where ${where}
     order by s.created_at, s.id`.cursor(batch);
  for await (const rows of cursor) yield rows as Record<string, unknown>[];
}
