import type postgres from "postgres";
import type { ScheduledDelivery } from "./deliveries.js";

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
 * every `size` in id order, each with where its group ends (`runUntil`: the next group's first
 * call, or past the last of `ids`). Their jobs make the rest (src/outbound/send.ts `callRun`).
 */
export async function runLeaders(sql: postgres.Sql, ids: number[], size: number): Promise<ScheduledDelivery[]> {
  if (ids.length === 0) return [];
  return leadersAmong(sql, sql`id = any(${ids}::bigint[])`, size, ids.length);
}

/**
 * The run leaders among the webhook calls recorded but never tried, for the worker to enqueue
 * when it (re)starts listening for announcements (it may have missed some while away).
 */
export async function untriedRunLeaders(sql: postgres.Sql, size: number, limit: number): Promise<ScheduledDelivery[]> {
  return leadersAmong(sql, sql`state = 'scheduled' and kind = 'webhook' and attempts = 0`, size, limit);
}

/** The first of every `size` calls per endpoint among the calls `where` picks, with their groups' ends. */
function leadersAmong(sql: postgres.Sql, where: postgres.PendingQuery<postgres.Row[]>, size: number, limit: number) {
  return sql<ScheduledDelivery[]>`
    select id, due_at as "dueAt", kind, run_until as "runUntil" from (
      select id, due_at, kind, row_number() over w as n,
             coalesce(lead(id, ${size}) over w, max(id) over (partition by endpoint_id) + 1) as run_until
        from deliveries where ${where}
      window w as (partition by endpoint_id order by id)) c
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
