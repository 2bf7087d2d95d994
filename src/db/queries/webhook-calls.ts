import type postgres from "postgres";
import type { Claim } from "./deliveries.js";

/** What a webhook call sends: its event, and where, with the secrets that sign it now. */
export interface WebhookCall {
  messageId: string;
  type: string;
  payload: unknown;
  url: string;
  /** The current secret, and the previous one while a rotation's overlap lasts (both sealed). */
  secrets: string[];
  /** The endpoint has a failing streak, which a success ends. */
  failing: boolean;
}

/** An endpoint's share of calls, summed over every process (migration 0012 `webhook_take_turns`). */
export interface EndpointShare {
  /** Calls in flight at once. */
  concurrency: number;
  /** Calls started within `windowMs`, paced: one every windowMs / perSecond after `concurrency` at once. */
  perSecond: number;
  windowMs: number;
  /** How long a call in flight counts at most (a killed worker's): longer than any call lasts. */
  holdSeconds: number;
}

/** One claimed call's turn: `again` undefined: its start is `waitMs` from now; otherwise every call is in flight until `again` at the latest. */
export interface Turn {
  again: Date | undefined;
  waitMs: number;
  /** What the call sends; undefined without a turn, or when the event or the endpoint is gone. */
  call: WebhookCall | undefined;
}

/**
 * Takes one endpoint's turns for claimed calls, in the order given, and reads what each call
 * sends, in one round trip (migration 0012 `webhook_take_turns`, paced as 0011 paces one). The
 * statement recording a call's outcome gives its turn back.
 */
export async function takeTurns(
  sql: postgres.Sql,
  endpointId: string,
  claims: (Claim & { webhookEventId: number })[],
  share: EndpointShare,
): Promise<Turn[]> {
  const leases = claims.map((c) => c.lease);
  const rows = await sql<{ lease: string; again: Date | null; wait_ms: number | null; call: WebhookCall | null }[]>`
    select t.lease, t.again, t.wait_ms,
           case when t.wait_ms is not null then
             (select json_build_object(
                       'messageId', e.message_id, 'type', e.type, 'payload', e.payload, 'url', w.url,
                       'secrets', array_remove(array[w.secret, case when w.previous_secret_until > now() then w.previous_secret end], null),
                       'failing', w.failing_since is not null)
                from webhook_events e, webhook_endpoints w
               where e.id = c.event_id and w.id = ${endpointId}) end as call
      from webhook_take_turns(${endpointId}, ${leases}::uuid[], ${share.holdSeconds}, ${share.concurrency},
                              ${share.perSecond}, ${share.windowMs}) t
      join unnest(${leases}::uuid[], ${claims.map((c) => c.webhookEventId)}::bigint[]) as c(lease, event_id) on c.lease = t.lease`;
  const byLease = new Map(rows.map((r) => [r.lease, r]));
  return leases.map((lease) => {
    const row = byLease.get(lease);
    if (!row) throw new Error(`webhook_take_turns gave no answer for lease ${lease}`);
    return { again: row.again ?? undefined, waitMs: row.wait_ms ?? 0, call: row.call ?? undefined };
  });
}

/**
 * A failed attempt's mark on its endpoint, in one statement: it starts a failing streak or, after
 * `disableAfterMs` of nothing but failures (or when `disableReason` says so, e.g. 410 Gone),
 * disables the endpoint with the reason in words. Returns whether it is disabled. (The attempt's
 * own line is written with the call's outcome: src/db/queries/deliveries.ts `AttemptLine`.)
 */
export async function markEndpointFailing(
  sql: postgres.Sql,
  endpointId: string,
  options: { disableAfterMs: number; disableReason?: string },
): Promise<{ disabled: boolean }> {
  const reason = options.disableReason ?? null;
  const after = options.disableAfterMs / 1000;
  const [row] = await sql<{ disabled: boolean }[]>`
    update webhook_endpoints
       set failing_since = coalesce(failing_since, now()),
           status = case when ${reason}::text is not null or failing_since < now() - make_interval(secs => ${after})
                         then 'disabled' else status end,
           disabled_reason = case
             when ${reason}::text is not null then ${reason}
             when failing_since < now() - make_interval(secs => ${after})
               then 'every attempt failed since ' || to_char(failing_since at time zone 'UTC', 'YYYY-MM-DD HH24:MI "UTC"')
             else disabled_reason end,
           disabled_at = case when status = 'enabled'
                               and (${reason}::text is not null or failing_since < now() - make_interval(secs => ${after}))
                              then now() else disabled_at end,
           updated_at = now()
     where id = ${endpointId}
    returning status = 'disabled' as disabled`;
  return { disabled: row?.disabled ?? false };
}

/** A success ends the endpoint's failing streak (called only when the claim saw one). */
export async function endFailingStreak(sql: postgres.Sql, endpointId: string): Promise<void> {
  await sql`update webhook_endpoints set failing_since = null, updated_at = now() where id = ${endpointId} and failing_since is not null`;
}

/** How long the outgoing webhook log keeps an event, its calls and every attempt. */
export const WEBHOOK_LOG_DAYS = 30;

/**
 * Forgets events older than `days` whose calls are all finished (a call still pending is never
 * dropped); their calls and attempts go with them (on delete cascade). Returns how many events.
 */
export async function forgetOldWebhookLog(sql: postgres.Sql, days: number): Promise<number> {
  const rows = await sql`
    delete from webhook_events e
     where e.created_at < now() - make_interval(days => ${days})
       and not exists (select 1 from deliveries d where d.webhook_event_id = e.id and d.state in ('scheduled', 'sending'))
    returning e.id`;
  return rows.length;
}

/**
 * Expands up to `limit` compactly recorded events (migration 0007) into events and their calls in
 * one transaction (src/notify/expansion.ts) — unless the least busy enabled endpoint has `lowWater`
 * calls due (`paused`). `calls`: the new calls' ids, to enqueue once this has committed.
 */
export async function expandWebhookEvents(
  sql: postgres.Sql,
  limit: number,
  lowWater: number,
): Promise<{ taken: number; calls: number[]; paused: boolean }> {
  const [row] = await sql<{ taken: number; calls: string[]; paused: boolean }[]>`
    select taken, calls, paused from webhook_expand(${limit}, ${lowWater})`;
  return { taken: row?.taken ?? 0, calls: (row?.calls ?? []).map(Number), paused: row?.paused ?? false };
}
