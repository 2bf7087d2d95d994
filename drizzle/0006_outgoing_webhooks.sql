CREATE TABLE "webhook_endpoints" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"url" text NOT NULL,
	"description" text,
	"events" text[],
	"status" text DEFAULT 'enabled' NOT NULL,
	"disabled_reason" text,
	"disabled_at" timestamp with time zone,
	"secret" text NOT NULL,
	"previous_secret" text,
	"previous_secret_until" timestamp with time zone,
	"failing_since" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "webhook_endpoints_status" CHECK ("webhook_endpoints"."status" in ('enabled', 'disabled'))
);
--> statement-breakpoint
CREATE TABLE "webhook_events" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "webhook_events_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"message_id" text DEFAULT 'msg_' || replace(gen_random_uuid()::text, '-', '') NOT NULL,
	"type" text NOT NULL,
	"subscriber_id" uuid,
	"payload" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "webhook_events_message_id_unique" UNIQUE("message_id")
);
--> statement-breakpoint
CREATE TABLE "webhook_attempts" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "webhook_attempts_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"delivery_id" bigint NOT NULL,
	"attempt" integer NOT NULL,
	"attempted_at" timestamp with time zone DEFAULT now() NOT NULL,
	"outcome" text NOT NULL,
	"status" integer,
	"duration_ms" integer NOT NULL,
	"response" text
);
--> statement-breakpoint
ALTER TABLE "deliveries" ALTER COLUMN "subscriber_id" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "deliveries" ADD COLUMN "endpoint_id" uuid;--> statement-breakpoint
ALTER TABLE "deliveries" ADD COLUMN "webhook_event_id" bigint;--> statement-breakpoint
ALTER TABLE "webhook_events" ADD CONSTRAINT "webhook_events_subscriber_id_subscribers_id_fk" FOREIGN KEY ("subscriber_id") REFERENCES "public"."subscribers"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "webhook_attempts" ADD CONSTRAINT "webhook_attempts_delivery_id_deliveries_id_fk" FOREIGN KEY ("delivery_id") REFERENCES "public"."deliveries"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "webhook_events_created_at_idx" ON "webhook_events" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "webhook_events_subscriber_idx" ON "webhook_events" USING btree ("subscriber_id");--> statement-breakpoint
CREATE INDEX "webhook_attempts_delivery_idx" ON "webhook_attempts" USING btree ("delivery_id");--> statement-breakpoint
CREATE INDEX "webhook_attempts_attempted_at_idx" ON "webhook_attempts" USING btree ("attempted_at");--> statement-breakpoint
ALTER TABLE "deliveries" ADD CONSTRAINT "deliveries_endpoint_id_webhook_endpoints_id_fk" FOREIGN KEY ("endpoint_id") REFERENCES "public"."webhook_endpoints"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deliveries" ADD CONSTRAINT "deliveries_webhook_event_id_webhook_events_id_fk" FOREIGN KEY ("webhook_event_id") REFERENCES "public"."webhook_events"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "deliveries_endpoint_idx" ON "deliveries" USING btree ("endpoint_id","id") WHERE endpoint_id is not null;--> statement-breakpoint
CREATE INDEX "deliveries_webhook_event_idx" ON "deliveries" USING btree ("webhook_event_id") WHERE webhook_event_id is not null;--> statement-breakpoint
ALTER TABLE "deliveries" ADD CONSTRAINT "deliveries_webhook_shape" CHECK (("deliveries"."kind" = 'webhook') = ("deliveries"."endpoint_id" is not null and "deliveries"."webhook_event_id" is not null and "deliveries"."subscriber_id" is null));--> statement-breakpoint
ALTER TABLE "deliveries" ADD CONSTRAINT "deliveries_recipient" CHECK ("deliveries"."kind" = 'webhook' or "deliveries"."subscriber_id" is not null);--> statement-breakpoint
-- Outgoing webhook events (issue 16, DESIGN.md invariant 8): recorded by triggers, so each one is
-- written in the same transaction as the change that causes it, whichever code path made the
-- change, and cannot be lost once that change committed. Statement-level with transition tables:
-- one call per statement (a signup batch of 200 is one), and with no enabled endpoint each trigger
-- stops after one look at an empty table. Every recorded call is announced at commit on the
-- channel "webhook_calls" (the ids), for the worker to enqueue (src/notify/announcements.ts);
-- the reconciler re-offers any it missed.
create or replace function webhook_subscriber(s subscribers) returns jsonb language sql stable as $fn$
  select jsonb_build_object(
    'id', s.id, 'email', s.email, 'firstName', s.first_name, 'status', s.status, 'source', s.source,
    'utm_source', s.utm_source, 'utm_medium', s.utm_medium, 'utm_campaign', s.utm_campaign,
    'createdAt', to_char(s.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))
$fn$;

-- One event per element, fanned out to every enabled endpoint that wants its type: an event row
-- (the Standard Webhooks body) and one webhook call (a row of deliveries) per endpoint.
create or replace function webhook_record(p_types text[], p_subscribers uuid[], p_data jsonb[]) returns void
language plpgsql as $fn$
declare
  v_ids bigint[];
begin
  with event as (
    insert into webhook_events (type, subscriber_id, payload)
    select i.type, i.subscriber_id,
           jsonb_build_object('type', i.type,
                              'timestamp', to_char(now() at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
                              'data', i.data)
      from unnest(p_types, p_subscribers, p_data) with ordinality as i(type, subscriber_id, data, ord)
     where exists (select 1 from webhook_endpoints w
                    where w.status = 'enabled' and (w.events is null or i.type = any(w.events)))
     order by i.ord
    returning id, type
  ), call as (
    insert into deliveries (kind, endpoint_id, webhook_event_id, state, due_at)
    select 'webhook', w.id, e.id, 'scheduled', now()
      from event e
      join webhook_endpoints w on w.status = 'enabled' and (w.events is null or e.type = any(w.events))
     order by e.id, w.id
    returning id
  )
  select array_agg(id order by id) into v_ids from call;
  if v_ids is null then return; end if;
  -- NOTIFY payloads are limited to 8000 bytes: 500 ids a notification.
  for i in 0 .. (array_length(v_ids, 1) - 1) / 500 loop
    perform pg_notify('webhook_calls', array_to_string(v_ids[i * 500 + 1 : i * 500 + 500], ','));
  end loop;
end $fn$;

create or replace function webhook_subscribers_inserted() returns trigger language plpgsql as $fn$
begin
  if not exists (select 1 from webhook_endpoints where status = 'enabled') then return null; end if;
  perform webhook_record(array_agg(t.type order by n.id, t.ord), array_agg(n.id order by n.id, t.ord),
                         array_agg(jsonb_build_object('subscriber', webhook_subscriber(n)) order by n.id, t.ord))
     from new_rows n
     cross join lateral (values (1, 'subscriber.created'), (2, 'subscriber.activated')) as t(ord, type)
    where t.type = 'subscriber.created' or n.status = 'active';
  return null;
end $fn$;

-- A status change, or an erasure (which carries the id only: the person's data is gone).
-- "unsubscribed" only when a reader left: an admin lifting a bounce's suppression also writes it.
create or replace function webhook_subscribers_updated() returns trigger language plpgsql as $fn$
begin
  if not exists (select 1 from webhook_endpoints where status = 'enabled') then return null; end if;
  perform webhook_record(array_agg(c.type order by c.id), array_agg(c.id order by c.id), array_agg(c.data order by c.id))
     from (
       select n.id,
              case when o.erased_at is null and n.erased_at is not null then 'subscriber.erased'
                   when n.status = 'active' then 'subscriber.activated'
                   when n.status = 'unsubscribed' and o.status in ('active', 'pending') then 'subscriber.unsubscribed'
                   when n.status = 'bounced' then 'subscriber.bounced'
                   when n.status = 'complained' then 'subscriber.complained'
              end as type,
              case when o.erased_at is null and n.erased_at is not null
                   then jsonb_build_object('subscriber', jsonb_build_object('id', n.id))
                   else jsonb_build_object('subscriber', webhook_subscriber(n))
              end as data
         from new_rows n join old_rows o on o.id = n.id
        where (o.erased_at is null and n.erased_at is not null) or n.status is distinct from o.status
     ) c
    where c.type is not null;
  return null;
end $fn$;

create or replace function webhook_guide_downloaded() returns trigger language plpgsql as $fn$
begin
  if not exists (select 1 from webhook_endpoints where status = 'enabled') then return null; end if;
  perform webhook_record(array_agg('guide.downloaded'::text order by g.id), array_agg(s.id order by g.id),
                         array_agg(jsonb_build_object('subscriber', webhook_subscriber(s),
                                                      'downloadedAt', to_char(g.downloaded_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))
                                   order by g.id))
     from new_rows g join subscribers s on s.id = g.subscriber_id;
  return null;
end $fn$;

create or replace function webhook_sequence_completed() returns trigger language plpgsql as $fn$
begin
  if not exists (select 1 from webhook_endpoints where status = 'enabled') then return null; end if;
  perform webhook_record(array_agg('sequence.completed'::text order by n.id), array_agg(s.id order by n.id),
                         array_agg(jsonb_build_object('subscriber', webhook_subscriber(s), 'sequence', n.sequence) order by n.id))
     from new_rows n join old_rows o on o.id = n.id join subscribers s on s.id = n.subscriber_id
    where n.state = 'completed' and o.state is distinct from 'completed';
  return null;
end $fn$;

create trigger webhook_events_insert after insert on subscribers
  referencing new table as new_rows for each statement execute function webhook_subscribers_inserted();
create trigger webhook_events_update after update on subscribers
  referencing old table as old_rows new table as new_rows for each statement execute function webhook_subscribers_updated();
create trigger webhook_events_insert after insert on guide_downloads
  referencing new table as new_rows for each statement execute function webhook_guide_downloaded();
create trigger webhook_events_update after update on enrollments
  referencing old table as old_rows new table as new_rows for each statement execute function webhook_sequence_completed();
