-- One pipeline for every message the service sends (issue "one way out"): the sequence's steps,
-- double opt-in confirmations and fresh guide links are all rows of `deliveries`, told apart by
-- `kind`. The rows of the two tables that held the one-off emails move in as they are (state,
-- attempts, claim, provider id, error), with `due_at` = the request time they were rendered for.
ALTER TABLE "deliveries" ADD COLUMN "kind" text DEFAULT 'step' NOT NULL;--> statement-breakpoint
ALTER TABLE "deliveries" ALTER COLUMN "enrollment_id" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "deliveries" ALTER COLUMN "step" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "deliveries" ADD CONSTRAINT "deliveries_step_shape" CHECK (("deliveries"."kind" = 'step') = ("deliveries"."enrollment_id" is not null and "deliveries"."step" is not null));--> statement-breakpoint
ALTER TABLE "deliveries" ADD COLUMN "moved_from" bigint;--> statement-breakpoint
INSERT INTO "deliveries" ("kind", "subscriber_id", "state", "due_at", "attempts", "claimed_at", "sent_at",
                          "provider_message_id", "last_error", "created_at", "updated_at", "moved_from")
SELECT 'confirmation', "subscriber_id", "state", "created_at", "attempts", "claimed_at", "sent_at",
       "provider_message_id", "last_error", "created_at", "updated_at", "id"
  FROM "confirmation_emails" ORDER BY "id";--> statement-breakpoint
UPDATE "email_events" e SET "delivery_id" = d."id"
  FROM "deliveries" d
 WHERE d."kind" = 'confirmation' AND d."moved_from" = e."confirmation_id";--> statement-breakpoint
INSERT INTO "deliveries" ("kind", "subscriber_id", "state", "due_at", "attempts", "claimed_at", "sent_at",
                          "provider_message_id", "last_error", "created_at", "updated_at")
SELECT 'fresh-link', "subscriber_id", "state", "created_at", "attempts", "claimed_at", "sent_at",
       "provider_message_id", "last_error", "created_at", coalesce("sent_at", "claimed_at", "created_at")
  FROM "guide_link_emails" ORDER BY "id";--> statement-breakpoint
ALTER TABLE "deliveries" DROP COLUMN "moved_from";--> statement-breakpoint
ALTER TABLE "email_events" DROP CONSTRAINT "email_events_confirmation_id_confirmation_emails_id_fk";--> statement-breakpoint
DROP INDEX "email_events_confirmation_idx";--> statement-breakpoint
ALTER TABLE "email_events" DROP COLUMN "confirmation_id";--> statement-breakpoint
DROP TABLE "confirmation_emails" CASCADE;--> statement-breakpoint
DROP TABLE "guide_link_emails" CASCADE;--> statement-breakpoint
-- The stats functions and triggers (README "Stats: what each number means"), until now installed
-- from a TypeScript string after the migrations, are a migration from here on: a later change to
-- them is a new migration. Only steps count. What is stored may mean something else now, so the
-- rollup starts over and every subscriber is marked; the fold rebuilds it and reads stay exact.

drop function if exists stats_expand(stats_subscriber_state, int);
drop function if exists stats_state_of(uuid[]);

-- What one subscriber contributes, read from the base tables (one row per id that exists).
-- ROWS: the planner's guess decides its plan; the default (1000) made reads pay for JIT compilation.
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
                           | coalesce(ev.bits, 0)) as bits
               from deliveries d
               left join lateral (
                 select bit_or(case ev.type when 'email.delivered' then 4 when 'email.opened' then 8 when 'email.clicked' then 16 when 'email.bounced' then 32 when 'email.complained' then 64 else 0 end) as bits from email_events ev where ev.delivery_id = d.id
               ) ev on true
              where d.subscriber_id = s.id and d.kind = 'step'
              group by d.step
           ) x where x.bits <> 0), '{}'::jsonb)
    from subscribers s
   where s.id = any(ids)
  union all
  select '00000000-0000-0000-0000-000000000000'::uuid, null, null, null, null, null, 'none', false, false,
         (select count(*)::int from guide_downloads g where g.subscriber_id is null), null, '{}'::jsonb
   where '00000000-0000-0000-0000-000000000000'::uuid = any(ids)
$fn$;


create or replace function stats_mark_subscribers() returns trigger language plpgsql as $fn$
begin
  if tg_op <> 'INSERT' then insert into stats_dirty (subscriber_id) values (old.id); end if;
  if tg_op = 'INSERT' or (tg_op = 'UPDATE' and new.id <> old.id) then
    insert into stats_dirty (subscriber_id) values (new.id);
  end if;
  return null;
end $fn$;

-- Tables with a subscriber_id column (a null one — a download of a deleted subscriber — is the nil id).
create or replace function stats_mark_by_subscriber() returns trigger language plpgsql as $fn$
begin
  if tg_op <> 'INSERT' then
    insert into stats_dirty (subscriber_id) values (coalesce(old.subscriber_id, '00000000-0000-0000-0000-000000000000'::uuid));
  end if;
  if tg_op = 'INSERT' or (tg_op = 'UPDATE' and new.subscriber_id is distinct from old.subscriber_id) then
    insert into stats_dirty (subscriber_id) values (coalesce(new.subscriber_id, '00000000-0000-0000-0000-000000000000'::uuid));
  end if;
  return null;
end $fn$;

-- Events belong to a subscriber through their delivery. A delivery deleted first (cascade) marked
-- its subscriber itself, so a lookup that finds nothing has nothing left to mark.
create or replace function stats_mark_email_events() returns trigger language plpgsql as $fn$
begin
  if tg_op <> 'INSERT' and old.delivery_id is not null then
    insert into stats_dirty (subscriber_id) select subscriber_id from deliveries where id = old.delivery_id;
  end if;
  if tg_op <> 'DELETE' and new.delivery_id is not null
     and (tg_op = 'INSERT' or new.delivery_id is distinct from old.delivery_id) then
    insert into stats_dirty (subscriber_id) select subscriber_id from deliveries where id = new.delivery_id;
  end if;
  return null;
end $fn$;

-- WHEN clauses keep the hot paths free: a signup marks once (the subscriber), a claim
-- (scheduled → sending) or a scheduled next step marks nothing.
create or replace trigger stats_mark after insert or delete on subscribers
  for each row execute function stats_mark_subscribers();
create or replace trigger stats_mark_update after update on subscribers for each row
  when (old.id <> new.id or old.status is distinct from new.status or old.created_at is distinct from new.created_at
        or old.source is distinct from new.source or old.utm_source is distinct from new.utm_source
        or old.utm_medium is distinct from new.utm_medium or old.utm_campaign is distinct from new.utm_campaign
        or (old.confirmed_at is null) <> (new.confirmed_at is null))
  execute function stats_mark_subscribers();

create or replace trigger stats_mark_insert after insert on enrollments for each row
  when (new.state = 'completed') execute function stats_mark_by_subscriber();
create or replace trigger stats_mark_update after update on enrollments for each row
  when (old.subscriber_id is distinct from new.subscriber_id
        or (old.state is distinct from new.state and (old.state = 'completed' or new.state = 'completed')))
  execute function stats_mark_by_subscriber();
create or replace trigger stats_mark_delete after delete on enrollments for each row
  when (old.state = 'completed') execute function stats_mark_by_subscriber();

-- Only steps count (a confirmation or a fresh link is never a step); a row's kind never changes.
create or replace trigger stats_mark_insert after insert on deliveries for each row
  when (new.kind = 'step' and new.state in ('sent', 'failed')) execute function stats_mark_by_subscriber();
create or replace trigger stats_mark_update after update on deliveries for each row
  when (new.kind = 'step'
        and (old.subscriber_id is distinct from new.subscriber_id
             or ((old.state in ('sent', 'failed') or new.state in ('sent', 'failed'))
                 and (old.state is distinct from new.state or old.sent_at is distinct from new.sent_at
                      or old.step is distinct from new.step))))
  execute function stats_mark_by_subscriber();
create or replace trigger stats_mark_delete after delete on deliveries for each row
  when (old.kind = 'step') execute function stats_mark_by_subscriber();

create or replace trigger stats_mark_insert after insert on email_events for each row
  when (new.delivery_id is not null and new.type in ('email.delivered', 'email.opened', 'email.clicked', 'email.bounced', 'email.complained')) execute function stats_mark_email_events();
create or replace trigger stats_mark_update after update on email_events for each row
  when (old.delivery_id is distinct from new.delivery_id or old.type is distinct from new.type)
  execute function stats_mark_email_events();
create or replace trigger stats_mark_delete after delete on email_events for each row
  when (old.delivery_id is not null) execute function stats_mark_email_events();

create or replace trigger stats_mark after insert or delete on guide_downloads
  for each row execute function stats_mark_by_subscriber();
create or replace trigger stats_mark_update after update on guide_downloads for each row
  when (old.subscriber_id is distinct from new.subscriber_id) execute function stats_mark_by_subscriber();
--> statement-breakpoint
TRUNCATE "stats_rollup", "stats_subscriber_state", "stats_dirty";--> statement-breakpoint
INSERT INTO "stats_dirty" ("subscriber_id")
SELECT "id" FROM "subscribers" UNION ALL SELECT '00000000-0000-0000-0000-000000000000'::uuid;
