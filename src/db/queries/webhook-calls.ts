import type postgres from "postgres";
import type { ScheduledDelivery } from "./deliveries.js";

/** What one webhook call sends: its event and where, with the secrets that sign it now. */
export interface WebhookCall {
  messageId: string;
  type: string;
  payload: unknown;
  url: string;
  /** The current secret, and the previous one while a rotation's overlap lasts. */
  secrets: string[];
}

export async function loadWebhookCall(sql: postgres.Sql, eventId: number, endpointId: string): Promise<WebhookCall | undefined> {
  const [row] = await sql<WebhookCall[]>`
    select e.message_id as "messageId", e.type, e.payload, w.url,
           array_remove(array[w.secret, case when w.previous_secret_until > now() then w.previous_secret end], null) as secrets
      from webhook_events e, webhook_endpoints w
     where e.id = ${eventId} and w.id = ${endpointId}`;
  return row;
}

export interface AttemptRecord {
  deliveryId: number;
  attempt: number;
  outcome: "succeeded" | "failed" | "unreachable" | "blocked";
  status: number | null;
  durationMs: number;
  response: string | null;
}

/**
 * The attempt's line in the log, and what it tells about the endpoint, in one statement (one
 * round trip: a call is made up to 100 times a second): a success clears its failing streak; a
 * failure starts one (or, after `disableAfterMs` of nothing but failures, disables the endpoint,
 * with the reason in words). Returns whether it was disabled.
 */
export async function recordAttempt(
  sql: postgres.Sql,
  endpointId: string,
  attempt: AttemptRecord,
  options: { disableAfterMs: number; disableReason?: string },
): Promise<{ disabled: boolean }> {
  const logged = sql`
    insert into webhook_attempts (delivery_id, attempt, outcome, status, duration_ms, response)
    values (${attempt.deliveryId}, ${attempt.attempt}, ${attempt.outcome}, ${attempt.status}, ${attempt.durationMs}, ${attempt.response})`;
  if (attempt.outcome === "succeeded") {
    await sql`
      with logged as (${logged})
      update webhook_endpoints set failing_since = null, updated_at = now() where id = ${endpointId} and failing_since is not null`;
    return { disabled: false };
  }
  const reason = options.disableReason ?? null;
  const after = options.disableAfterMs / 1000;
  const [row] = await sql<{ disabled: boolean }[]>`
    with logged as (${logged})
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

/**
 * Expands up to `limit` of the events the triggers recorded compactly (webhook_event_batches,
 * migration 0007) into events and their calls, oldest first, in one transaction — unless even
 * the least busy enabled endpoint has `lowWater` calls or more due (`paused`). `taken` events
 * (fewer than `limit`: nothing else waits, or another worker has it), `calls` the new calls'
 * ids, to enqueue once this has committed.
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

/**
 * The calls that lead a run (src/outbound/kind.ts `run`) among `ids`: per endpoint, the first of
 * every `size` in id order. Their jobs make the rest (src/outbound/send.ts `callRun`).
 */
export async function runLeaders(sql: postgres.Sql, ids: number[], size: number): Promise<ScheduledDelivery[]> {
  if (ids.length === 0) return [];
  return sql<ScheduledDelivery[]>`
    select id, due_at as "dueAt", kind from (
      select id, due_at, kind, row_number() over (partition by endpoint_id order by id) as n
        from deliveries where id = any(${ids}::bigint[])) c
     where (n - 1) % ${size} = 0
     order by id`;
}

/**
 * The run leaders among the webhook calls recorded but never tried, for the worker to enqueue
 * when it (re)starts listening for announcements (it may have missed some while away).
 */
export async function untriedRunLeaders(sql: postgres.Sql, size: number, limit: number): Promise<ScheduledDelivery[]> {
  return sql<ScheduledDelivery[]>`
    select id, due_at as "dueAt", kind from (
      select id, due_at, kind, row_number() over (partition by endpoint_id order by id) as n
        from deliveries
       where state = 'scheduled' and kind = 'webhook' and attempts = 0) c
     where (n - 1) % ${size} = 0
     order by id
     limit ${limit}`;
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
