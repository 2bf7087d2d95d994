ALTER TYPE "public"."enrollment_state" ADD VALUE 'converted';--> statement-breakpoint
CREATE TABLE "checkin_answers" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "checkin_answers_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"enrollment_id" bigint NOT NULL,
	"subscriber_id" uuid NOT NULL,
	"delivery_id" bigint,
	"answer" text NOT NULL,
	"answered_at" timestamp with time zone DEFAULT now() NOT NULL,
	"ip" text,
	"user_agent" text,
	CONSTRAINT "checkin_answers_answer" CHECK ("checkin_answers"."answer" in ('better', 'same', 'worse'))
);
--> statement-breakpoint
CREATE TABLE "conversions" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "conversions_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"subscriber_id" uuid NOT NULL,
	"goal" text NOT NULL,
	"converted_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "conversions_subscriber_goal_key" UNIQUE("subscriber_id","goal")
);
--> statement-breakpoint
ALTER TABLE "engagement_archive" ADD COLUMN "answered_better" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "engagement_archive" ADD COLUMN "answered_same" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "engagement_archive" ADD COLUMN "answered_worse" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "engagement_archive" ADD COLUMN "booked" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "engagement_archive" ADD COLUMN "booking_clicked" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "stats_rollup" ADD COLUMN "answered_better" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "stats_rollup" ADD COLUMN "answered_same" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "stats_rollup" ADD COLUMN "answered_worse" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "stats_rollup" ADD COLUMN "booked" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "stats_rollup" ADD COLUMN "booking_clicked" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "stats_subscriber_state" ADD COLUMN "answer" text;--> statement-breakpoint
ALTER TABLE "stats_subscriber_state" ADD COLUMN "booked" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "stats_subscriber_state" ADD COLUMN "booking_clicked" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "checkin_answers" ADD CONSTRAINT "checkin_answers_enrollment_id_enrollments_id_fk" FOREIGN KEY ("enrollment_id") REFERENCES "public"."enrollments"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "checkin_answers" ADD CONSTRAINT "checkin_answers_subscriber_id_subscribers_id_fk" FOREIGN KEY ("subscriber_id") REFERENCES "public"."subscribers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "checkin_answers" ADD CONSTRAINT "checkin_answers_delivery_id_deliveries_id_fk" FOREIGN KEY ("delivery_id") REFERENCES "public"."deliveries"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "conversions" ADD CONSTRAINT "conversions_subscriber_id_subscribers_id_fk" FOREIGN KEY ("subscriber_id") REFERENCES "public"."subscribers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "checkin_answers_enrollment_idx" ON "checkin_answers" USING btree ("enrollment_id","answered_at");--> statement-breakpoint
CREATE INDEX "checkin_answers_subscriber_idx" ON "checkin_answers" USING btree ("subscriber_id");--> statement-breakpoint
-- The sequence listens (issue 27): each subscriber's latest check-in answer, whether they booked,
-- and whether they opened the booking link as a person join what they contribute to the numbers.

drop function if exists stats_state_of(uuid[]);

create function stats_state_of(ids uuid[]) returns setof stats_subscriber_state
language sql stable rows 50 as $fn$
  select s.id,
         (s.created_at at time zone 'UTC')::date,
         s.source, s.utm_source, s.utm_medium, s.utm_campaign,
         s.status::text,
         s.confirmed_at is not null,
         exists (select 1 from enrollments e where e.subscriber_id = s.id and e.state = 'completed'),
         (select count(*)::int from guide_downloads g where g.subscriber_id = s.id),
         (select d.step from deliveries d where d.subscriber_id = s.id and d.kind = 'step' and d.state = 'sent'
           order by d.sent_at desc nulls last, d.id desc limit 1),
         coalesce((
           select jsonb_object_agg(x.step, x.bits) from (
             select d.step,
                    bit_or(case d.state when 'sent' then 1 when 'failed' then 2 else 0 end
                           | coalesce(ev.bits, 0) | coalesce(lv.bits, 0)) as bits
               from deliveries d
               left join lateral (
                 select bit_or(case ev.type when 'email.delivered' then 4 when 'email.opened' then 8 when 'email.bounced' then 32 when 'email.complained' then 64 else 0 end) as bits from email_events ev where ev.delivery_id = d.id
               ) ev on true
               left join lateral (
                 select 16 as bits where exists (
                   select 1 from link_visits v
                    where v.delivery_id = d.id and v.settled and v.automated is null and v.link <> 'unsubscribe')
               ) lv on true
              where d.subscriber_id = s.id and d.kind = 'step'
              group by d.step
           ) x where x.bits <> 0), '{}'::jsonb),
         (select count(*)::int from link_visits v where v.subscriber_id = s.id and v.link = 'guide' and v.automated is not null),
         coalesce((
           select jsonb_object_agg(x.step, x.n) from (
             select d.step, count(*)::int as n
               from link_visits v join deliveries d on d.id = v.delivery_id
              where v.subscriber_id = s.id and d.kind = 'step' and v.automated is not null and v.link <> 'unsubscribe'
              group by d.step
           ) x), '{}'::jsonb),
         (select a.answer from checkin_answers a where a.subscriber_id = s.id order by a.answered_at desc, a.id desc limit 1),
         exists (select 1 from conversions c where c.subscriber_id = s.id and c.goal = 'booked'),
         exists (select 1 from link_visits v where v.subscriber_id = s.id and v.link = 'booking' and v.settled and v.automated is null)
    from subscribers s
   where s.id = any(ids)
  union all
  select '00000000-0000-0000-0000-000000000000'::uuid, null, null, null, null, null, 'none', false, false,
         (select count(*)::int from guide_downloads g where g.subscriber_id is null), null, '{}'::jsonb,
         (select count(*)::int from link_visits v where v.subscriber_id is null and v.link = 'guide' and v.automated is not null),
         '{}'::jsonb, null, false, false
   where '00000000-0000-0000-0000-000000000000'::uuid = any(ids)
$fn$;

create or replace trigger stats_mark after insert or delete on checkin_answers
  for each row execute function stats_mark_by_subscriber();
create or replace trigger stats_mark after insert or delete on conversions
  for each row execute function stats_mark_by_subscriber();

-- Outgoing webhook events, in the transaction of the answer or the conversion (invariant 8), through
-- the one entry point every event takes (webhook_batch: nothing is written with no endpoint for it).
create or replace function webhook_checkin_answered() returns trigger language plpgsql as $fn$
begin
  if not exists (select 1 from webhook_endpoints where status = 'enabled') then return null; end if;
  perform webhook_batch('checkin.answered'::text, array_agg(s.id order by n.id), array_agg(s.status::text order by n.id),
                        jsonb_agg(jsonb_build_object('answer', n.answer) order by n.id))
     from new_rows n join subscribers s on s.id = n.subscriber_id;
  return null;
end $fn$;

create or replace function webhook_subscriber_converted() returns trigger language plpgsql as $fn$
begin
  if not exists (select 1 from webhook_endpoints where status = 'enabled') then return null; end if;
  perform webhook_batch('subscriber.converted'::text, array_agg(s.id order by n.id), array_agg(s.status::text order by n.id),
                        jsonb_agg(jsonb_build_object('goal', n.goal) order by n.id))
     from new_rows n join subscribers s on s.id = n.subscriber_id;
  return null;
end $fn$;

create or replace trigger webhook_events after insert on checkin_answers
  referencing new table as new_rows for each statement execute function webhook_checkin_answered();
create or replace trigger webhook_events after insert on conversions
  referencing new table as new_rows for each statement execute function webhook_subscriber_converted();
--> statement-breakpoint
TRUNCATE "stats_rollup", "stats_subscriber_state", "stats_dirty";--> statement-breakpoint
INSERT INTO "stats_dirty" ("subscriber_id")
SELECT "id" FROM "subscribers" UNION ALL SELECT '00000000-0000-0000-0000-000000000000'::uuid;
