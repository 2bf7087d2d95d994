import { and, asc, desc, eq, inArray, lt, sql as dsql } from "drizzle-orm";
import type postgres from "postgres";
import type { Database } from "../client.js";
import { deliveries, webhookAttempts, webhookEndpoints, webhookEventBatches, webhookEvents, type Delivery, type WebhookAttempt, type WebhookEndpoint } from "../schema/index.js";
import type { ScheduledDelivery } from "./deliveries.js";

/**
 * The admin's side of outgoing webhooks (issue 16): endpoints, test call, delivery log, replays. The
 * secret leaves only where just made (create, rotate): no listing reads `secret`/`previous_secret`.
 */

/** An endpoint as the admin sees it: everything but the secrets. */
export type EndpointListItem = Pick<WebhookEndpoint, keyof typeof listColumns>;

const listColumns = {
  id: webhookEndpoints.id,
  url: webhookEndpoints.url,
  description: webhookEndpoints.description,
  events: webhookEndpoints.events,
  status: webhookEndpoints.status,
  disabledReason: webhookEndpoints.disabledReason,
  disabledAt: webhookEndpoints.disabledAt,
  failingSince: webhookEndpoints.failingSince,
  previousSecretUntil: webhookEndpoints.previousSecretUntil,
  createdAt: webhookEndpoints.createdAt,
};

export async function insertEndpoint(
  db: Database,
  input: { url: string; description: string | null; events: string[] | null; secret: string },
): Promise<EndpointListItem> {
  const [row] = await db.insert(webhookEndpoints).values(input).returning(listColumns);
  return row!;
}

export async function listEndpoints(db: Database): Promise<EndpointListItem[]> {
  return db.select(listColumns).from(webhookEndpoints).orderBy(asc(webhookEndpoints.createdAt), asc(webhookEndpoints.id));
}

/** Events recorded and not yet handed to the endpoints (a burst waits compact: src/notify/expansion.ts). */
export async function waitingEvents(db: Database): Promise<number> {
  const [row] = await db
    .select({ n: dsql<number>`coalesce(sum(cardinality(${webhookEventBatches.subscriberIds})), 0)::int` })
    .from(webhookEventBatches);
  return row?.n ?? 0;
}

export async function findEndpoint(db: Database, id: string): Promise<EndpointListItem | undefined> {
  const [row] = await db.select(listColumns).from(webhookEndpoints).where(eq(webhookEndpoints.id, id));
  return row;
}

/** Its calls and their log go with it (ON DELETE CASCADE); the events stay for other endpoints. */
export async function deleteEndpoint(db: Database, id: string): Promise<{ url: string } | undefined> {
  const [row] = await db.delete(webhookEndpoints).where(eq(webhookEndpoints.id, id)).returning({ url: webhookEndpoints.url });
  return row;
}

/**
 * A new secret; the old keeps signing for 24 hours (src/notify/signing.ts signs with both), so a
 * receiver can switch without refusing a call. In the UPDATE, right-hand `secret` is the old value.
 */
export async function rotateSecret(db: Database, id: string, secret: string): Promise<{ previousSecretUntil: Date } | undefined> {
  const [row] = await db
    .update(webhookEndpoints)
    .set({
      previousSecret: dsql`${webhookEndpoints.secret}`,
      secret,
      previousSecretUntil: dsql`now() + interval '24 hours'`,
      updatedAt: dsql`now()`,
    })
    .where(eq(webhookEndpoints.id, id))
    .returning({ previousSecretUntil: webhookEndpoints.previousSecretUntil });
  return row ? { previousSecretUntil: row.previousSecretUntil! } : undefined;
}

/** Enabled again, with a clean slate: no reason, no failing streak (the 5-day clock restarts). */
export async function enableEndpoint(db: Database, id: string): Promise<boolean> {
  const rows = await db
    .update(webhookEndpoints)
    .set({ status: "enabled", disabledReason: null, disabledAt: null, failingSince: null, updatedAt: dsql`now()` })
    .where(eq(webhookEndpoints.id, id))
    .returning({ id: webhookEndpoints.id });
  return rows.length === 1;
}

/**
 * A `webhook.test` event and its one call to this endpoint, in one statement and only while it is
 * enabled (a disable committed first wins: nothing written); the triggers' body format (drizzle/0006).
 */
export async function insertTestCall(sql: postgres.Sql, endpointId: string): Promise<ScheduledDelivery | undefined> {
  const [row] = await sql<ScheduledDelivery[]>`
    with endpoint as (
      select id from webhook_endpoints where id = ${endpointId} and status = 'enabled'
    ), event as (
      insert into webhook_events (type, payload)
      select 'webhook.test',
             jsonb_build_object('type', 'webhook.test',
                                'timestamp', to_char(now() at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
                                'data', jsonb_build_object('endpointId', endpoint.id,
                                                           'message', 'A test from the admin: this endpoint is reachable and its signature verifies.'))
        from endpoint
      returning id
    )
    insert into deliveries (kind, endpoint_id, webhook_event_id, state, due_at)
    select 'webhook', endpoint.id, event.id, 'scheduled', now() from endpoint, event
    returning id, due_at as "dueAt", kind`;
  return row;
}

/** The outcomes the log filters by, as the states of a call's row. */
export const OUTCOME_STATES = {
  delivered: ["sent"],
  failed: ["failed"],
  pending: ["scheduled", "sending"],
  cancelled: ["cancelled"],
} as const satisfies Record<string, readonly Delivery["state"][]>;

export type DeliveryOutcome = keyof typeof OUTCOME_STATES;

/** What a call's row state means to someone reading the log. */
export function outcomeOf(state: Delivery["state"]): DeliveryOutcome {
  if (state === "sent") return "delivered";
  if (state === "failed" || state === "cancelled") return state;
  return "pending";
}

export interface DeliveryLogFilter {
  eventType?: string | undefined;
  outcome?: DeliveryOutcome | undefined;
  /** Only calls with a smaller id (the previous page's last). */
  before?: number | undefined;
  limit: number;
}

export type LoggedAttempt = Pick<WebhookAttempt, "attempt" | "attemptedAt" | "outcome" | "status" | "durationMs" | "response">;

export type LoggedDelivery = Pick<Delivery, "id" | "state" | "attempts" | "dueAt" | "sentAt" | "lastError" | "createdAt"> & {
  eventType: string;
  messageId: string;
  /** Every HTTP attempt, oldest first. */
  log: LoggedAttempt[];
};

/**
 * One page of an endpoint's calls, newest first (keyset paging on the id, along
 * deliveries_endpoint_idx), each with its event's type and `webhook-id` and its attempts.
 */
export async function deliveryLogPage(db: Database, endpointId: string, filter: DeliveryLogFilter): Promise<LoggedDelivery[]> {
  const rows = await db
    .select({
      id: deliveries.id,
      state: deliveries.state,
      attempts: deliveries.attempts,
      dueAt: deliveries.dueAt,
      sentAt: deliveries.sentAt,
      lastError: deliveries.lastError,
      createdAt: deliveries.createdAt,
      eventType: webhookEvents.type,
      messageId: webhookEvents.messageId,
    })
    .from(deliveries)
    .innerJoin(webhookEvents, eq(webhookEvents.id, deliveries.webhookEventId))
    .where(
      and(
        eq(deliveries.endpointId, endpointId),
        eq(deliveries.kind, "webhook"),
        filter.eventType ? eq(webhookEvents.type, filter.eventType) : undefined,
        filter.outcome ? inArray(deliveries.state, [...OUTCOME_STATES[filter.outcome]]) : undefined,
        filter.before !== undefined ? lt(deliveries.id, filter.before) : undefined,
      ),
    )
    .orderBy(desc(deliveries.id))
    .limit(filter.limit);
  if (rows.length === 0) return [];
  const attempts = await db
    .select({
      deliveryId: webhookAttempts.deliveryId,
      attempt: webhookAttempts.attempt,
      attemptedAt: webhookAttempts.attemptedAt,
      outcome: webhookAttempts.outcome,
      status: webhookAttempts.status,
      durationMs: webhookAttempts.durationMs,
      response: webhookAttempts.response,
    })
    .from(webhookAttempts)
    .where(inArray(webhookAttempts.deliveryId, rows.map((r) => r.id)))
    .orderBy(asc(webhookAttempts.id));
  const byDelivery = new Map<number, LoggedAttempt[]>();
  for (const { deliveryId, ...a } of attempts) {
    const list = byDelivery.get(deliveryId) ?? [];
    list.push(a);
    byDelivery.set(deliveryId, list);
  }
  return rows.map((r) => ({ ...r, log: byDelivery.get(r.id) ?? [] }));
}

/** A call put back to scheduled: enough to (re)create its job, and whose it is. */
export type ReplayedCall = ScheduledDelivery & { endpointId: string };

/** What the replay statements set: a fresh start, due now, under the same event (the same `webhook-id` and body). */
const replaySet = (sql: postgres.Sql) =>
  sql`state = 'scheduled', due_at = now(), attempts = 0, claimed_at = null, last_error = null, sent_at = null, updated_at = now()`;

/**
 * One call sent again: a finished (sent, failed, cancelled) row of an enabled endpoint is scheduled
 * again in one statement, so two replays make one call. Undefined if not: see `webhookCallState`.
 */
export async function replayCall(sql: postgres.Sql, deliveryId: number): Promise<ReplayedCall | undefined> {
  const [row] = await sql<ReplayedCall[]>`
    update deliveries d set ${replaySet(sql)}
     where d.id = ${deliveryId} and d.kind = 'webhook' and d.state in ('sent', 'failed', 'cancelled')
       and exists (select 1 from webhook_endpoints w where w.id = d.endpoint_id and w.status = 'enabled')
    returning d.id, d.due_at as "dueAt", d.kind, d.endpoint_id as "endpointId"`;
  return row;
}

/** A webhook call's state and its endpoint's, to say why a replay did not happen. */
export async function webhookCallState(sql: postgres.Sql, deliveryId: number) {
  const [row] = await sql<{ state: Delivery["state"]; endpointId: string; endpointStatus: WebhookEndpoint["status"] }[]>`
    select d.state, d.endpoint_id as "endpointId", w.status as "endpointStatus"
      from deliveries d join webhook_endpoints w on w.id = d.endpoint_id
     where d.id = ${deliveryId} and d.kind = 'webhook'`;
  return row;
}

/** Every failed or cancelled call of an enabled endpoint created since `since`, sent again. */
export async function replayFailedCalls(sql: postgres.Sql, endpointId: string, since: Date): Promise<ReplayedCall[]> {
  return sql<ReplayedCall[]>`
    update deliveries d set ${replaySet(sql)}
     where d.endpoint_id = ${endpointId} and d.kind = 'webhook' and d.state in ('failed', 'cancelled')
       and d.created_at >= ${since}
       and exists (select 1 from webhook_endpoints w where w.id = d.endpoint_id and w.status = 'enabled')
    returning d.id, d.due_at as "dueAt", d.kind, d.endpoint_id as "endpointId"`;
}
