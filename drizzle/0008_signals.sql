CREATE TABLE "engagement_archive" (
	"day" date,
	"source" text,
	"utm_source" text,
	"utm_medium" text,
	"utm_campaign" text,
	"step" text NOT NULL,
	"subscribers" bigint DEFAULT 0 NOT NULL,
	"pending" bigint DEFAULT 0 NOT NULL,
	"active" bigint DEFAULT 0 NOT NULL,
	"completed" bigint DEFAULT 0 NOT NULL,
	"unsubscribed" bigint DEFAULT 0 NOT NULL,
	"bounced" bigint DEFAULT 0 NOT NULL,
	"complained" bigint DEFAULT 0 NOT NULL,
	"confirmed" bigint DEFAULT 0 NOT NULL,
	"downloads" bigint DEFAULT 0 NOT NULL,
	"downloaders" bigint DEFAULT 0 NOT NULL,
	"sent" bigint DEFAULT 0 NOT NULL,
	"delivered" bigint DEFAULT 0 NOT NULL,
	"opened" bigint DEFAULT 0 NOT NULL,
	"clicked" bigint DEFAULT 0 NOT NULL,
	"step_bounced" bigint DEFAULT 0 NOT NULL,
	"step_complained" bigint DEFAULT 0 NOT NULL,
	"failed" bigint DEFAULT 0 NOT NULL,
	"left_after" bigint DEFAULT 0 NOT NULL,
	"automated_downloads" bigint DEFAULT 0 NOT NULL,
	"automated_clicks" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "engagement_archive_key" UNIQUE NULLS NOT DISTINCT("day","source","utm_source","utm_medium","utm_campaign","step")
);
--> statement-breakpoint
CREATE TABLE "link_visits" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "link_visits_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"subscriber_id" uuid,
	"delivery_id" bigint,
	"link" text NOT NULL,
	"visited_at" timestamp with time zone DEFAULT now() NOT NULL,
	"ip" text,
	"user_agent" text,
	"automated" text,
	"settled" boolean DEFAULT false NOT NULL
);
--> statement-breakpoint
ALTER TABLE "stats_rollup" ADD COLUMN "automated_downloads" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "stats_rollup" ADD COLUMN "automated_clicks" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "stats_subscriber_state" ADD COLUMN "automated_downloads" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "stats_subscriber_state" ADD COLUMN "automated_clicks" jsonb DEFAULT '{}'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "link_visits" ADD CONSTRAINT "link_visits_subscriber_id_subscribers_id_fk" FOREIGN KEY ("subscriber_id") REFERENCES "public"."subscribers"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "link_visits" ADD CONSTRAINT "link_visits_delivery_id_deliveries_id_fk" FOREIGN KEY ("delivery_id") REFERENCES "public"."deliveries"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "link_visits_delivery_idx" ON "link_visits" USING btree ("delivery_id","visited_at");--> statement-breakpoint
CREATE INDEX "link_visits_burst_ip_idx" ON "link_visits" USING btree ("ip","visited_at") WHERE automated = 'burst';--> statement-breakpoint
CREATE INDEX "link_visits_unsettled_idx" ON "link_visits" USING btree ("visited_at") WHERE not settled;--> statement-breakpoint
CREATE INDEX "link_visits_subscriber_idx" ON "link_visits" USING btree ("subscriber_id");--> statement-breakpoint
CREATE INDEX "link_visits_visited_at_idx" ON "link_visits" USING btree ("visited_at");--> statement-breakpoint
-- Signals (issue 26, DESIGN.md invariant 9): a click counts for a step when a person fetched one
-- of that email's own links (link_visits, settled, not automated) — the provider's click events no
-- longer set the bit (a mail scanner's fetch is a click to the provider). Fetches judged automated
-- are counted apart: guide fetches per subscriber, link fetches per step.

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
           ) x), '{}'::jsonb)
    from subscribers s
   where s.id = any(ids)
  union all
  select '00000000-0000-0000-0000-000000000000'::uuid, null, null, null, null, null, 'none', false, false,
         (select count(*)::int from guide_downloads g where g.subscriber_id is null), null, '{}'::jsonb,
         (select count(*)::int from link_visits v where v.subscriber_id is null and v.link = 'guide' and v.automated is not null),
         '{}'::jsonb
   where '00000000-0000-0000-0000-000000000000'::uuid = any(ids)
$fn$;

create or replace trigger stats_mark after insert or delete on link_visits
  for each row execute function stats_mark_by_subscriber();
create or replace trigger stats_mark_update after update on link_visits for each row
  when (old.subscriber_id is distinct from new.subscriber_id or old.automated is distinct from new.automated
        or old.settled <> new.settled or old.delivery_id is distinct from new.delivery_id)
  execute function stats_mark_by_subscriber();

-- Clicks mean something else now: the rollup starts over and every subscriber is marked; the fold
-- rebuilds it while reads stay exact.
--> statement-breakpoint
TRUNCATE "stats_rollup", "stats_subscriber_state", "stats_dirty";--> statement-breakpoint
INSERT INTO "stats_dirty" ("subscriber_id")
SELECT "id" FROM "subscribers" UNION ALL SELECT '00000000-0000-0000-0000-000000000000'::uuid;
