import { and, eq, inArray, isNotNull, isNull, sql as dsql } from "drizzle-orm";
import type postgres from "postgres";
import type { Database } from "../client.js";
import {
  consents,
  deliveries,
  emailEvents,
  emailSuppressions,
  guideDownloads,
  linkVisits,
  checkInAnswers,
  conversions,
  outboxEmails,
  subscribers,
  webhookAttempts,
  webhookEvents,
  type EmailEvent,
  type enrollments,
} from "../schema/index.js";
import type { DbTransaction, JsonRow, Queryable } from "./row-types.js";

/** The queries behind the data-rights API: export one address, erase it, manage suppression. */

/** Everything held about one address, each row with its columns as stored (GDPR art. 15/20). */
export type SubscriberExport = {
  subscriber: JsonRow<typeof subscribers>;
  consents: JsonRow<typeof consents>[];
  enrollments: JsonRow<typeof enrollments>[];
  /** Every message sent or to send, of every kind (steps, confirmations, fresh links). */
  deliveries: JsonRow<typeof deliveries>[];
  events: JsonRow<typeof emailEvents>[];
  guideDownloads: JsonRow<typeof guideDownloads>[];
  /** Every fetch of a link in their emails, with the address and browser it came from. */
  linkVisits: JsonRow<typeof linkVisits>[];
  /** Their check-in answers (with the answering POST's address and browser) and goals reached. */
  checkInAnswers: JsonRow<typeof checkInAnswers>[];
  conversions: JsonRow<typeof conversions>[];
  outboxEmails: JsonRow<typeof outboxEmails>[];
  /** What the outgoing webhooks told the clinic's other tools about them (issue 16). */
  webhookEvents: JsonRow<typeof webhookEvents>[];
};

/**
 * Everything held about one address, in ONE statement (one consistent snapshot), as JSON with
 * the columns as stored. Undefined when the address is not on the list. Hand-written SQL (eight
 * correlated jsonb_agg in one select): postgres.js, typed by the tables it reads.
 */
export async function exportByEmail(sql: postgres.Sql, email: string): Promise<SubscriberExport | undefined> {
  const [row] = await sql<{ export: SubscriberExport }[]>`
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
      'linkVisits', (select coalesce(jsonb_agg(to_jsonb(v) order by v.id), '[]'::jsonb)
                       from link_visits v where v.subscriber_id = s.id),
      'checkInAnswers', (select coalesce(jsonb_agg(to_jsonb(a) order by a.id), '[]'::jsonb)
                           from checkin_answers a where a.subscriber_id = s.id),
      'conversions', (select coalesce(jsonb_agg(to_jsonb(c) order by c.id), '[]'::jsonb)
                        from conversions c where c.subscriber_id = s.id),
      'outboxEmails', (select coalesce(jsonb_agg(to_jsonb(o) order by o.id), '[]'::jsonb)
                         from outbox_emails o where o."to" = s.email),
      'webhookEvents', (select coalesce(jsonb_agg(to_jsonb(w) order by w.id), '[]'::jsonb)
                          from webhook_events w where w.subscriber_id = s.id)
    ) as export
      from subscribers s
     where s.email = ${email} and s.erased_at is null`;
  return row?.export;
}

export async function isSuppressed(db: Database, emailHash: string): Promise<boolean> {
  const rows = await db
    .select({ emailHash: emailSuppressions.emailHash })
    .from(emailSuppressions)
    .where(eq(emailSuppressions.emailHash, emailHash));
  return rows.length > 0;
}

export async function subscriberIdByEmail(db: Database, email: string): Promise<string | undefined> {
  const [row] = await db
    .select({ id: subscribers.id })
    .from(subscribers)
    .where(and(eq(subscribers.email, email), isNull(subscribers.erasedAt)));
  return row?.id;
}

/**
 * Erases one subscriber's personal data in the caller's transaction, keeping the rows the counts are
 * made of (status and dates, deliveries, events, downloads) without what identifies the person.
 * Returns their provider events, whose payloads the caller anonymises as webhook processing does.
 */
export async function scrubSubscriber(
  tx: DbTransaction,
  subscriberId: string,
): Promise<{ email: string; events: Pick<EmailEvent, "id" | "payload">[] } | undefined> {
  const [row] = await tx
    .select({ email: subscribers.email })
    .from(subscribers)
    .where(and(eq(subscribers.id, subscriberId), isNull(subscribers.erasedAt)))
    .for("update");
  if (!row) return undefined;
  // The address becomes a unique placeholder that can never be real (RFC 2606 .invalid). source and
  // utm_* stay: they name the clinic's campaign (not the person), and the stats split counts by them.
  await tx
    .update(subscribers)
    .set({
      email: dsql`'erased-' || ${subscribers.id} || '@erased.invalid'`,
      firstName: null,
      timezone: null,
      erasedAt: dsql`now()`,
      updatedAt: dsql`now()`,
    })
    .where(eq(subscribers.id, subscriberId));
  // Consent records hold IPs and user agents; with the person gone there is no consent left to prove.
  await tx.delete(consents).where(eq(consents.subscriberId, subscriberId));
  // Provider error texts may quote the address.
  await tx
    .update(deliveries)
    .set({ lastError: null })
    .where(and(eq(deliveries.subscriberId, subscriberId), isNotNull(deliveries.lastError)));
  // The outbox keeps whole emails (address, name, links): they go.
  await tx.delete(outboxEmails).where(eq(outboxEmails.to, row.email));
  await tx.update(guideDownloads).set({ userAgent: null }).where(eq(guideDownloads.subscriberId, subscriberId));
  await tx.update(linkVisits).set({ ip: null, userAgent: null }).where(eq(linkVisits.subscriberId, subscriberId));
  await tx.update(checkInAnswers).set({ ip: null, userAgent: null }).where(eq(checkInAnswers.subscriberId, subscriberId));
  await scrubWebhookLog(tx, subscriberId);
  const events = await tx
    .select({ id: emailEvents.id, payload: emailEvents.payload })
    .from(emailEvents)
    .where(eq(emailEvents.subscriberId, subscriberId));
  return { email: row.email, events };
}

/**
 * The outgoing webhook log (issue 16): events about the person keep only their type and subscriber id
 * (all a pending call then sends); receivers' answers, which may echo the address, go.
 */
async function scrubWebhookLog(tx: DbTransaction, subscriberId: string): Promise<void> {
  await tx
    .update(webhookEvents)
    .set({ payload: dsql`jsonb_set(${webhookEvents.payload}, '{data}', jsonb_build_object('subscriber', jsonb_build_object('id', ${webhookEvents.subscriberId})))` })
    .where(and(eq(webhookEvents.subscriberId, subscriberId), dsql`${webhookEvents.type} <> 'subscriber.erased'`));
  await tx
    .update(webhookAttempts)
    .set({ response: null })
    .where(
      inArray(
        webhookAttempts.deliveryId,
        tx
          .select({ id: deliveries.id })
          .from(deliveries)
          .innerJoin(webhookEvents, eq(webhookEvents.id, deliveries.webhookEventId))
          .where(eq(webhookEvents.subscriberId, subscriberId)),
      ),
    );
}

export async function replaceEventPayload(tx: DbTransaction, id: number, payload: unknown): Promise<void> {
  await tx.update(emailEvents).set({ payload }).where(eq(emailEvents.id, id));
}

export async function addSuppression(db: Queryable, emailHash: string, reason: string): Promise<void> {
  await db.insert(emailSuppressions).values({ emailHash, reason }).onConflictDoNothing({ target: emailSuppressions.emailHash });
}

/**
 * Lifts an address's suppressions in one transaction: its hash, and a bounced or complained status,
 * made "unsubscribed" (it may sign up and confirm again; nothing is sent till then). True if any.
 */
export async function liftSuppression(db: Database, email: string, emailHash: string): Promise<boolean> {
  return db.transaction(async (tx) => {
    const hashes = await tx
      .delete(emailSuppressions)
      .where(eq(emailSuppressions.emailHash, emailHash))
      .returning({ emailHash: emailSuppressions.emailHash });
    const statuses = await tx
      .update(subscribers)
      .set({ status: "unsubscribed", updatedAt: dsql`now()` })
      .where(and(eq(subscribers.email, email), isNull(subscribers.erasedAt), inArray(subscribers.status, ["bounced", "complained"])))
      .returning({ id: subscribers.id });
    return hashes.length + statuses.length > 0;
  });
}
