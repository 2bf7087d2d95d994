CREATE TABLE "webhook_event_batches" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "webhook_event_batches_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"type" text NOT NULL,
	"occurred_at" timestamp with time zone DEFAULT now() NOT NULL,
	"subscriber_ids" uuid[] NOT NULL,
	"statuses" text[] NOT NULL,
	"details" jsonb
);
--> statement-breakpoint
CREATE INDEX "deliveries_endpoint_pending_idx" ON "deliveries" USING btree ("endpoint_id","due_at") WHERE endpoint_id is not null and state in ('scheduled', 'sending');--> statement-breakpoint
-- Outgoing webhook events, recorded compactly (issue 16). The triggers of 0006 wrote each event
-- and each endpoint's call as rows, with their indexes, inside the signup's transaction: ~210 µs
-- a signup with two endpoints, most of a signup's database time. Now they write one row per
-- statement and event type — the ids, their statuses then, and the details — still in the
-- cause's transaction, so nothing is lost; the worker expands those rows into events and calls
-- (webhook_expand below) as fast as the endpoints take them, and is woken by NOTIFY
-- webhook_events at commit (src/notify/expansion.ts).

-- One compact row, when an enabled endpoint wants the type (with none, nothing is written).
create or replace function webhook_batch(p_type text, p_ids uuid[], p_statuses text[], p_details jsonb) returns void
language plpgsql as $fn$
begin
  if coalesce(cardinality(p_ids), 0) = 0 then return; end if;
  if not exists (select 1 from webhook_endpoints w
                  where w.status = 'enabled' and (w.events is null or p_type = any(w.events))) then
    return;
  end if;
  insert into webhook_event_batches (type, subscriber_ids, statuses, details) values (p_type, p_ids, p_statuses, p_details);
  -- Delivered at commit only; identical notifications of one transaction are folded into one.
  perform pg_notify('webhook_events', '');
end $fn$;

create or replace function webhook_subscribers_inserted() returns trigger language plpgsql as $fn$
begin
  if not exists (select 1 from webhook_endpoints where status = 'enabled') then return null; end if;
  perform webhook_batch('subscriber.created', array_agg(n.id order by n.id), array_agg(n.status::text order by n.id), null)
     from new_rows n;
  perform webhook_batch('subscriber.activated', array_agg(n.id order by n.id), array_agg(n.status::text order by n.id), null)
     from new_rows n where n.status = 'active';
  return null;
end $fn$;

-- A status change, or an erasure (whose event carries the id only: the person's data is gone).
-- "unsubscribed" only when a reader left: an admin lifting a bounce's suppression also writes it.
create or replace function webhook_subscribers_updated() returns trigger language plpgsql as $fn$
begin
  if not exists (select 1 from webhook_endpoints where status = 'enabled') then return null; end if;
  perform webhook_batch(c.type, array_agg(c.id order by c.id), array_agg(c.status order by c.id), null)
     from (
       select n.id, n.status::text as status,
              case when o.erased_at is null and n.erased_at is not null then 'subscriber.erased'
                   when n.status = 'active' then 'subscriber.activated'
                   when n.status = 'unsubscribed' and o.status in ('active', 'pending') then 'subscriber.unsubscribed'
                   when n.status = 'bounced' then 'subscriber.bounced'
                   when n.status = 'complained' then 'subscriber.complained'
              end as type
         from new_rows n join old_rows o on o.id = n.id
        where (o.erased_at is null and n.erased_at is not null) or n.status is distinct from o.status
     ) c
    where c.type is not null
    group by c.type;
  return null;
end $fn$;

create or replace function webhook_guide_downloaded() returns trigger language plpgsql as $fn$
begin
  if not exists (select 1 from webhook_endpoints where status = 'enabled') then return null; end if;
  perform webhook_batch('guide.downloaded'::text, array_agg(s.id order by g.id), array_agg(s.status::text order by g.id),
                        jsonb_agg(jsonb_build_object('downloadedAt', to_char(g.downloaded_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))
                                  order by g.id))
     from new_rows g join subscribers s on s.id = g.subscriber_id;
  return null;
end $fn$;

create or replace function webhook_sequence_completed() returns trigger language plpgsql as $fn$
begin
  if not exists (select 1 from webhook_endpoints where status = 'enabled') then return null; end if;
  perform webhook_batch('sequence.completed'::text, array_agg(s.id order by n.id), array_agg(s.status::text order by n.id),
                        jsonb_agg(jsonb_build_object('sequence', n.sequence) order by n.id))
     from new_rows n join old_rows o on o.id = n.id join subscribers s on s.id = n.subscriber_id
    where n.state = 'completed' and o.state is distinct from 'completed';
  return null;
end $fn$;

drop function webhook_record(text[], uuid[], jsonb[]);

-- What an event says of its subscriber: the row as it is (nothing in it changes but the status,
-- recorded at the time) — or the id alone for an erasure, a person erased since, or one gone.
create or replace function webhook_event_data(p_type text, p_id uuid, s subscribers, p_status text, p_detail jsonb) returns jsonb
language sql stable as $fn$
  select case
    when p_type = 'subscriber.erased' or s.id is null or s.erased_at is not null
      then jsonb_build_object('subscriber', jsonb_build_object('id', p_id))
    else jsonb_build_object('subscriber', webhook_subscriber(s) || jsonb_build_object('status', p_status))
         || coalesce(p_detail, '{}'::jsonb)
  end
$fn$;

-- Expands up to p_limit recorded events, oldest first, into webhook_events (the Standard Webhooks
-- body, timestamped when it happened) and one call per enabled endpoint that wants the type and
-- existed then; the compact rows go in the same transaction, so each event is expanded exactly
-- once, whichever worker does it (skip locked). Paced: nothing is expanded (paused) while even
-- the least busy enabled endpoint has p_low_water calls or more due and unfinished. Returns how
-- many events it took and the new calls, to enqueue after the commit.
create or replace function webhook_expand(p_limit integer, p_low_water integer,
                                          out taken integer, out calls bigint[], out paused boolean)
language plpgsql as $fn$
declare
  b webhook_event_batches;
  v_n integer;
  v_calls bigint[];
begin
  taken := 0;
  calls := '{}';
  paused := false;
  if not exists (select 1 from webhook_event_batches) then return; end if;
  if (select min((select count(*) from (select 1 from deliveries d
                                          where d.endpoint_id = w.id and d.state in ('scheduled', 'sending')
                                            and d.due_at <= now()
                                          limit p_low_water) due))
        from webhook_endpoints w where w.status = 'enabled') >= p_low_water then
    paused := true;
    return;
  end if;
  for b in select * from webhook_event_batches order by id for update skip locked loop
    exit when taken >= p_limit;
    v_n := least(cardinality(b.subscriber_ids), p_limit - taken);
    with item as (
      select i.sid, i.status, i.ord, b.details -> (i.ord::integer - 1) as detail
        from unnest(b.subscriber_ids[1:v_n], b.statuses[1:v_n]) with ordinality as i(sid, status, ord)
    ), event as (
      insert into webhook_events (type, subscriber_id, payload, created_at)
      select b.type, s.id,
             jsonb_build_object('type', b.type,
                                'timestamp', to_char(b.occurred_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
                                'data', webhook_event_data(b.type, item.sid, s, item.status, item.detail)),
             b.occurred_at
        from item left join subscribers s on s.id = item.sid
       where exists (select 1 from webhook_endpoints w
                      where w.status = 'enabled' and (w.events is null or b.type = any(w.events)) and w.created_at <= b.occurred_at)
       order by item.ord
      returning id, type
    ), call as (
      insert into deliveries (kind, endpoint_id, webhook_event_id, state, due_at)
      select 'webhook', w.id, e.id, 'scheduled', now()
        from event e
        join webhook_endpoints w
          on w.status = 'enabled' and (w.events is null or e.type = any(w.events)) and w.created_at <= b.occurred_at
       order by e.id, w.id
      returning id
    )
    select coalesce(array_agg(id order by id), '{}') into v_calls from call;
    calls := calls || v_calls;
    if v_n = cardinality(b.subscriber_ids) then
      delete from webhook_event_batches where id = b.id;
    else
      update webhook_event_batches
         set subscriber_ids = subscriber_ids[v_n + 1:], statuses = statuses[v_n + 1:],
             details = (select jsonb_agg(x order by o) from jsonb_array_elements(details) with ordinality as j(x, o) where o > v_n)
       where id = b.id;
    end if;
    taken := taken + v_n;
  end loop;
end $fn$;
