import { and, desc, eq, ilike, like, lt, sql as dsql } from "drizzle-orm";
import type postgres from "postgres";
import type { Database } from "../client.js";
import {
  adminAudit,
  consents,
  deliveries,
  emailEvents,
  enrollments,
  guideDownloads,
  checkInAnswers,
  conversions,
  outboxEmails,
  subscribers,
  type AdminAuditRow,
  type Enrollment,
  type OutboxEmail,
  type Subscriber,
} from "../schema/index.js";
import type { RawRow } from "./row-types.js";
import type { CohortFilter } from "./stats.js";

/**
 * The queries behind the admin pages (search, one subscriber, failures, outbox, audit), on drizzle's
 * builder and row types; the CSV export stays postgres.js (a server-side cursor), typed by its tables.
 */

export type SubscriberListItem = Pick<Subscriber, "id" | "email" | "status" | "source" | "createdAt" | "erasedAt">;

const listColumns = {
  id: subscribers.id,
  email: subscribers.email,
  status: subscribers.status,
  source: subscribers.source,
  createdAt: subscribers.createdAt,
  erasedAt: subscribers.erasedAt,
};

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (ch) => `\\${ch}`);

/** Addresses starting with `prefix` (already lower-cased), in address order. */
export async function searchSubscribers(db: Database, prefix: string, limit: number): Promise<SubscriberListItem[]> {
  return db
    .select(listColumns)
    .from(subscribers)
    .where(like(subscribers.email, `${escapeLike(prefix)}%`))
    .orderBy(subscribers.email)
    .limit(limit);
}

export async function recentSubscribers(db: Database, limit: number): Promise<SubscriberListItem[]> {
  return db.select(listColumns).from(subscribers).orderBy(desc(subscribers.createdAt)).limit(limit);
}

/** Everything about one subscriber the detail page shows, in one round trip per table. */
export async function subscriberRecord(db: Database, id: string) {
  const [subscriber] = await db.select().from(subscribers).where(eq(subscribers.id, id));
  if (!subscriber) return undefined;
  // The provider's event time, or when we received it; mapped like a timestamp column (the
  // drizzle pool reads timestamps as strings and the column's mapper makes them Dates).
  const eventAt = dsql`coalesce(${emailEvents.occurredAt}, ${emailEvents.receivedAt})`.mapWith(emailEvents.receivedAt);
  const [consentRows, enrollmentRows, deliveryRows, events, downloads, confirmations, audit, answers, goals] = await Promise.all([
    db.select().from(consents).where(eq(consents.subscriberId, id)).orderBy(consents.createdAt),
    db.select().from(enrollments).where(eq(enrollments.subscriberId, id)),
    // The sequence's emails (a confirmation or a fresh link is listed apart, or not at all).
    db
      .select()
      .from(deliveries)
      .where(and(eq(deliveries.subscriberId, id), eq(deliveries.kind, "step")))
      .orderBy(deliveries.dueAt, deliveries.id),
    // Provider events on any of their messages, with the step they were about (or the kind of a one-off email).
    db
      .select({
        type: emailEvents.type,
        url: emailEvents.url,
        bounceType: emailEvents.bounceType,
        at: eventAt,
        step: dsql<string>`coalesce(${deliveries.step}, ${deliveries.kind})`,
      })
      .from(emailEvents)
      .innerJoin(deliveries, eq(deliveries.id, emailEvents.deliveryId))
      .where(eq(deliveries.subscriberId, id))
      .orderBy(eventAt),
    db.select().from(guideDownloads).where(eq(guideDownloads.subscriberId, id)).orderBy(guideDownloads.downloadedAt),
    // The double opt-in emails: messages of kind 'confirmation'.
    db
      .select()
      .from(deliveries)
      .where(and(eq(deliveries.subscriberId, id), eq(deliveries.kind, "confirmation")))
      .orderBy(deliveries.createdAt),
    db.select().from(adminAudit).where(eq(adminAudit.subscriberId, id)).orderBy(adminAudit.at),
    // The check-in's answers, oldest first (the latest is the one the sequence followed).
    db.select().from(checkInAnswers).where(eq(checkInAnswers.subscriberId, id)).orderBy(checkInAnswers.answeredAt),
    db.select().from(conversions).where(eq(conversions.subscriberId, id)).orderBy(conversions.convertedAt),
  ]);
  return {
    subscriber,
    consents: consentRows,
    enrollments: enrollmentRows,
    deliveries: deliveryRows,
    events,
    downloads,
    confirmations,
    audit,
    answers,
    conversions: goals,
  };
}

export type SubscriberRecord = NonNullable<Awaited<ReturnType<typeof subscriberRecord>>>;

export async function recentFailures(db: Database, limit: number) {
  return db
    .select({
      deliveryId: deliveries.id,
      // The joined subscriber's id: only emails fail here (webhook calls have their own log).
      subscriberId: subscribers.id,
      email: subscribers.email,
      // A step's name, or the kind of a one-off email (confirmation, fresh-link).
      step: dsql<string>`coalesce(${deliveries.step}, ${deliveries.kind})`,
      attempts: deliveries.attempts,
      lastError: deliveries.lastError,
      at: deliveries.updatedAt,
    })
    .from(deliveries)
    .innerJoin(subscribers, eq(subscribers.id, deliveries.subscriberId))
    .where(eq(deliveries.state, "failed"))
    .orderBy(desc(deliveries.updatedAt))
    .limit(limit);
}

export type FailureRow = Awaited<ReturnType<typeof recentFailures>>[number];

/** Signed provider events stored as unprocessable (src/feedback/ingest.ts), newest first. */
export async function recentUnprocessableEvents(db: Database, limit: number) {
  return db
    .select({
      providerEventId: emailEvents.providerEventId,
      reason: dsql<string>`${emailEvents.payload}->>'unprocessable'`,
      at: emailEvents.receivedAt,
    })
    .from(emailEvents)
    .where(eq(emailEvents.type, "unprocessable"))
    .orderBy(desc(emailEvents.receivedAt))
    .limit(limit);
}

export type UnprocessableEventRow = Awaited<ReturnType<typeof recentUnprocessableEvents>>[number];

export type OutboxListItem = Pick<OutboxEmail, "id" | "step" | "to" | "subject" | "createdAt">;

/** The outbox, newest first, `before` an id for the next page; `address` keeps those whose To contains it. */
export async function outboxPage(db: Database, before: number | undefined, limit: number, address = ""): Promise<OutboxListItem[]> {
  return db
    .select({
      id: outboxEmails.id,
      step: outboxEmails.step,
      to: outboxEmails.to,
      subject: outboxEmails.subject,
      createdAt: outboxEmails.createdAt,
    })
    .from(outboxEmails)
    .where(
      and(
        before === undefined ? undefined : lt(outboxEmails.id, before),
        address ? ilike(outboxEmails.to, `%${escapeLike(address)}%`) : undefined,
      ),
    )
    .orderBy(desc(outboxEmails.id))
    .limit(limit);
}

export type OutboxEmailRow = OutboxEmail;

export async function outboxEmail(db: Database, id: number): Promise<OutboxEmailRow | undefined> {
  const [row] = await db.select().from(outboxEmails).where(eq(outboxEmails.id, id));
  return row;
}

export interface AuditEntry {
  actor: string;
  clientAddress: string | undefined;
  action: string;
  subscriberId?: string | undefined;
  detail?: Record<string, unknown>;
}

export async function insertAudit(db: Database, e: AuditEntry): Promise<void> {
  await db.insert(adminAudit).values({
    actor: e.actor,
    clientAddress: e.clientAddress ?? null,
    action: e.action,
    subscriberId: e.subscriberId ?? null,
    detail: e.detail ?? {},
  });
}

/** Every column of the audit: the page shows them all. */
export type AuditListItem = AdminAuditRow;

/** One page of the audit, newest first, before the row with id `before`. */
export async function auditPage(db: Database, before: number | undefined, limit: number): Promise<AuditListItem[]> {
  return db
    .select()
    .from(adminAudit)
    .where(before === undefined ? undefined : lt(adminAudit.id, before))
    .orderBy(desc(adminAudit.id))
    .limit(limit);
}

/**
 * Counts a refusal in ONE row per action, client and epoch-aligned window (docs/security.md
 * "Refusals are counted, not written one by one"); two processes opening a window at the same
 * instant may make two rows, which is harmless. Returns whether this refusal opened the row.
 */
export async function countAuditRefusal(
  db: Database,
  e: { actor: string; clientAddress: string | undefined; action: string; windowSeconds: number },
): Promise<boolean> {
  const client = e.clientAddress ?? null;
  const rows = await db.execute<{ id: number }>(dsql`
    with current_row as (
      select id from admin_audit
       where action = ${e.action} and client_address is not distinct from ${client}::text
         and at >= to_timestamp(floor(extract(epoch from now()) / ${e.windowSeconds}) * ${e.windowSeconds})
       order by id desc limit 1
         for update
    ), bumped as (
      update admin_audit a
         set detail = a.detail || jsonb_build_object('count', coalesce((a.detail->>'count')::int, 1) + 1, 'last', now())
        from current_row c where a.id = c.id
      returning a.id
    )
    insert into admin_audit (actor, client_address, action, detail)
    select ${e.actor}, ${client}::text, ${e.action}, jsonb_build_object('count', 1, 'windowMinutes', ${Math.round(e.windowSeconds / 60)}::int)
     where not exists (select 1 from bumped)
    returning id`);
  return rows.length > 0;
}

/** AUDIT_RETENTION_DAYS: rows older than that go, a page of 1000 at a time (short locks). Returns how many. */
export async function forgetOldAudit(sql: postgres.Sql, retentionDays: number): Promise<number> {
  let total = 0;
  for (;;) {
    const deleted = await sql`
      delete from admin_audit where id in (
        select id from admin_audit where at < now() - make_interval(days => ${retentionDays}) limit 1000)`;
    total += deleted.count;
    if (deleted.count < 1000) return total;
  }
}

/** The CSV export's columns, in order: the subscriber's columns as stored, and three derived ones. */
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

type DerivedColumns = { sequence_state: Enrollment["state"] | null; last_step_sent: string | null; guide_downloads: number };

/** One line of the CSV export; sequence_state and last_step_sent are the latest enrollment's (null: never enrolled). */
export type ExportRow = Pick<RawRow<typeof subscribers>, Exclude<(typeof EXPORT_COLUMNS)[number], keyof DerivedColumns>> & DerivedColumns;

/**
 * Subscribers for the CSV export through a server-side cursor: `batch` rows at a time from one
 * snapshot, so a million rows never sit in memory and the file is consistent.
 */
export async function* exportSubscribers(
  sql: postgres.Sql,
  filter: CohortFilter & { status?: string },
  batch = 2000,
): AsyncGenerator<ExportRow[]> {
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
  const cursor = sql<ExportRow[]>`
    select s.id, s.email, s.first_name, s.status, s.source, s.utm_source, s.utm_medium, s.utm_campaign, s.timezone,
           s.created_at, s.confirmed_at, s.left_at, s.erased_at,
           e.state as sequence_state, e.current_step as last_step_sent,
           (select count(*) from guide_downloads g where g.subscriber_id = s.id)::int as guide_downloads
      from subscribers s
      left join lateral (select state, current_step from enrollments where subscriber_id = s.id order by created_at desc limit 1) e on true
     where ${where}
     order by s.created_at, s.id`.cursor(batch);
  for await (const rows of cursor) yield rows;
}
