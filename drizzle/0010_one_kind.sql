CREATE TABLE "webhook_turns" (
	"endpoint_id" uuid PRIMARY KEY NOT NULL,
	"starts" timestamp with time zone[] DEFAULT '{}' NOT NULL,
	"leases" uuid[] DEFAULT '{}' NOT NULL,
	"lease_ends" timestamp with time zone[] DEFAULT '{}' NOT NULL
);
--> statement-breakpoint
ALTER TABLE "webhook_turns" ADD CONSTRAINT "webhook_turns_endpoint_id_webhook_endpoints_id_fk" FOREIGN KEY ("endpoint_id") REFERENCES "public"."webhook_endpoints"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deliveries" ADD COLUMN "lease" uuid;--> statement-breakpoint
-- A webhook call is one kind on the one pipeline (issue 28). The events the triggers recorded
-- compactly since 0007 are written as events and calls at once again, in the cause's
-- transaction (DESIGN.md invariant 8): one statement per event type, whatever the number of
-- subscribers. Each call is announced at commit on "webhook_calls" (its id), so a worker
-- enqueues it within milliseconds (src/notify/announcements.ts); the reconciler finds any
-- announcement missed.
create or replace function webhook_batch(p_type text, p_ids uuid[], p_statuses text[], p_details jsonb) returns void
language plpgsql as $fn$
declare
  v_calls bigint[];
begin
  if coalesce(cardinality(p_ids), 0) = 0 then return; end if;
  if not exists (select 1 from webhook_endpoints w
                  where w.status = 'enabled' and (w.events is null or p_type = any(w.events))) then
    return;
  end if;
  with item as (
    select i.sid, i.status, i.ord, p_details -> (i.ord::integer - 1) as detail
      from unnest(p_ids, p_statuses) with ordinality as i(sid, status, ord)
  ), event as (
    insert into webhook_events (type, subscriber_id, payload, created_at)
    select p_type, s.id,
           jsonb_build_object('type', p_type,
                              'timestamp', to_char(now() at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
                              'data', webhook_event_data(p_type, item.sid, s, item.status, item.detail)),
           now()
      from item left join subscribers s on s.id = item.sid
     order by item.ord
    returning id, type
  ), call as (
    insert into deliveries (kind, endpoint_id, webhook_event_id, state, due_at)
    select 'webhook', w.id, e.id, 'scheduled', now()
      from event e
      join webhook_endpoints w on w.status = 'enabled' and (w.events is null or e.type = any(w.events))
     order by e.id, w.id
    returning id
  )
  select array_agg(id order by id) into v_calls from call;
  if v_calls is null then return; end if;
  -- A notification carries at most 8000 bytes: 500 ids at a time.
  for i in 0 .. (cardinality(v_calls) - 1) / 500 loop
    perform pg_notify('webhook_calls', array_to_string(v_calls[i * 500 + 1 : i * 500 + 500], ','));
  end loop;
end $fn$;
--> statement-breakpoint
-- What 0007 recorded and no worker expanded yet: expanded now, never paused (the reconciler
-- gives the calls their jobs); then the compact store goes.
select webhook_expand(2147483647, 2147483647);--> statement-breakpoint
drop function webhook_expand(integer, integer);--> statement-breakpoint
DROP TABLE "webhook_event_batches" CASCADE;--> statement-breakpoint
DROP INDEX "deliveries_endpoint_pending_idx";--> statement-breakpoint
-- An endpoint's share, summed over every worker process (DESIGN.md invariant 10): at most
-- p_concurrency calls in flight and p_per_second started within any p_window_ms. Under the
-- endpoint's row lock, so two processes cannot both take the last turn; clock_timestamp() is read
-- after the lock, so the wait for it never backdates a start. A lease stops counting at its end
-- (a killed worker's call). `again` null: the turn is taken; otherwise `busy` (all in flight:
-- when one ends is unknown) or the moment the window frees a start.
create or replace function webhook_take_turn(p_endpoint uuid, p_lease uuid, p_hold_seconds integer,
                                             p_concurrency integer, p_per_second integer, p_window_ms integer,
                                             out again timestamptz, out busy boolean)
language plpgsql as $fn$
declare
  t webhook_turns;
  v_now timestamptz;
  v_starts timestamptz[];
  v_leases uuid[];
  v_ends timestamptz[];
begin
  select * into t from webhook_turns where endpoint_id = p_endpoint for update;
  if not found then
    insert into webhook_turns (endpoint_id) values (p_endpoint) on conflict do nothing;
    select * into t from webhook_turns where endpoint_id = p_endpoint for update;
  end if;
  v_now := clock_timestamp();
  select coalesce(array_agg(s order by s), '{}') into v_starts
    from unnest(t.starts) s where s > v_now - make_interval(secs => p_window_ms / 1000.0);
  select coalesce(array_agg(l order by e), '{}'), coalesce(array_agg(e order by e), '{}') into v_leases, v_ends
    from unnest(t.leases, t.lease_ends) as x(l, e) where e > v_now and l <> p_lease;
  busy := cardinality(v_leases) >= p_concurrency;
  if busy then
    again := v_ends[1];
  elsif cardinality(v_starts) >= p_per_second then
    again := v_starts[cardinality(v_starts) - p_per_second + 1] + make_interval(secs => p_window_ms / 1000.0);
  end if;
  if again is null then
    v_starts := v_starts || v_now;
    v_leases := v_leases || p_lease;
    v_ends := v_ends || (v_now + make_interval(secs => p_hold_seconds));
  end if;
  update webhook_turns set starts = v_starts, leases = v_leases, lease_ends = v_ends where endpoint_id = p_endpoint;
end $fn$;
--> statement-breakpoint
-- The call under p_lease is over: its turn is free for the next.
create or replace function webhook_give_turn(p_endpoint uuid, p_lease uuid) returns void
language sql as $fn$
  update webhook_turns
     set (leases, lease_ends) = (select coalesce(array_agg(l order by e), '{}'), coalesce(array_agg(e order by e), '{}')
                                   from unnest(leases, lease_ends) as x(l, e) where l <> p_lease)
   where endpoint_id = p_endpoint and p_lease = any(leases)
$fn$;
