-- The compact event record back (issue 28). The first version of 0010 replaced it with events and
-- calls written in the cause's transaction; the bench then showed that doubles PostgreSQL's CPU
-- per hooked signup (668 µs against 316), and 0010 was rewritten to keep it. A database migrated
-- with that first 0010 lost the table, webhook_expand, the pending-calls index and the compact
-- webhook_batch; one migrated with the rewritten 0010 has them all. This puts both in the same
-- state, each statement a no-op where there is nothing to do (the bodies are 0007's).
CREATE TABLE IF NOT EXISTS "webhook_event_batches" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "webhook_event_batches_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"type" text NOT NULL,
	"occurred_at" timestamp with time zone DEFAULT now() NOT NULL,
	"subscriber_ids" uuid[] NOT NULL,
	"statuses" text[] NOT NULL,
	"details" jsonb
);
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "deliveries_endpoint_pending_idx" ON "deliveries" USING btree ("endpoint_id","due_at") WHERE endpoint_id is not null and state in ('scheduled', 'sending');--> statement-breakpoint
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
--> statement-breakpoint
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
