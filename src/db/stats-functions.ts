import { createHash } from "node:crypto";
import type postgres from "postgres";

/**
 * How the stats stay exact and fast (README "Stats: what each number means").
 *
 * A subscriber's contribution to the numbers is a pure function of their rows: stats_state_of()
 * reads it (status, confirmed, completed enrollment, downloads, last sent step, and per step
 * sent/failed/delivered/opened/clicked/bounced/complained) and expandLateral() turns it into
 * rollup rows. Triggers on every table a number depends on insert the subscriber's id into stats_dirty,
 * in the same transaction as the change — insert-only, so concurrent signups never queue on a hot
 * counter row. The fold (src/db/queries/stats.ts) drains stats_dirty: for each id it subtracts the
 * stored contribution (stats_subscriber_state), adds the fresh one, and stores it, in one
 * statement. A read sums stats_rollup and adds, for the ids still marked, fresh minus stored: in
 * one snapshot that is exactly the numbers the base tables give, whether or not the fold has run.
 *
 * Triggers and functions are not something drizzle-kit generates, so they are installed here,
 * after the migrations, under the migration lock. The SQL's hash is kept as a comment on
 * stats_state_of(); when it changes (or on first install) the stored contributions are dropped and
 * every subscriber is marked, and the fold rebuilds them — while reads stay exact (only slower).
 */

/** The nil UUID: the contribution of downloads whose subscriber row was deleted. */
export const ORPHAN_ID = "00000000-0000-0000-0000-000000000000";

/** Bits of the per-step facts in stats_subscriber_state.steps. */
export const STEP_BITS = { sent: 1, failed: 2, delivered: 4, opened: 8, clicked: 16, bounced: 32, complained: 64 } as const;

/** Provider webhook event types (Resend) that set a per-step fact. */
const EVENT_BITS: Record<string, number> = {
  "email.delivered": STEP_BITS.delivered,
  "email.opened": STEP_BITS.opened,
  "email.clicked": STEP_BITS.clicked,
  "email.bounced": STEP_BITS.bounced,
  "email.complained": STEP_BITS.complained,
};
const EVENT_TYPES = Object.keys(EVENT_BITS)
  .map((t) => `'${t}'`)
  .join(", ");

/** The rollup's counters, in table order (src/db/schema/stats-rollup.ts). */
export const ROLLUP_COUNTERS = [
  "subscribers",
  "pending",
  "active",
  "completed",
  "unsubscribed",
  "bounced",
  "complained",
  "confirmed",
  "downloads",
  "downloaders",
  "sent",
  "delivered",
  "opened",
  "clicked",
  "step_bounced",
  "step_complained",
  "failed",
  "left_after",
] as const;
export type RollupCounter = (typeof ROLLUP_COUNTERS)[number];
export const ROLLUP_KEY = ["day", "source", "utm_source", "utm_medium", "utm_campaign", "step"] as const;

const has = (bit: number) => `((k.bits & ${bit}) <> 0)`;
const subscriberRow: Record<RollupCounter, string> = {
  subscribers: "m.status <> 'none'",
  pending: "m.status = 'pending'",
  active: "m.status = 'active'",
  completed: "m.status = 'active' and m.completed",
  unsubscribed: "m.status = 'unsubscribed'",
  bounced: "m.status = 'bounced'",
  complained: "m.status = 'complained'",
  confirmed: "m.status <> 'none' and m.confirmed",
  downloads: "", // a count, not a flag: below
  downloaders: "m.status <> 'none' and m.downloads > 0",
  sent: "false",
  delivered: "false",
  opened: "false",
  clicked: "false",
  step_bounced: "false",
  step_complained: "false",
  failed: "false",
  left_after: "false",
};
const stepRow: Record<RollupCounter, string> = {
  ...Object.fromEntries(ROLLUP_COUNTERS.map((c) => [c, "false"])),
  sent: has(STEP_BITS.sent),
  failed: has(STEP_BITS.failed),
  delivered: has(STEP_BITS.delivered),
  opened: has(STEP_BITS.opened),
  clicked: has(STEP_BITS.clicked),
  step_bounced: has(STEP_BITS.bounced),
  step_complained: has(STEP_BITS.complained),
  left_after: "m.status = 'unsubscribed' and m.last_step = k.step",
} as Record<RollupCounter, string>;

const counterList = (row: Record<RollupCounter, string>, sign: 1 | -1) =>
  ROLLUP_COUNTERS.map((c) =>
    c === "downloads" && row === subscriberRow
      ? `(${sign} * m.downloads)::bigint as ${c}`
      : `(${sign} * coalesce(${row[c]}, false)::int)::bigint as ${c}`,
  ).join(",\n           ");

/**
 * A contribution as rollup rows — the subscriber row ('') and one row per step it has facts for —
 * as a LATERAL subquery over `alias` (a stats_subscriber_state row), with `sign` 1 or -1. Inlined
 * SQL rather than a function: a function call per subscriber cost more than the rest of a read.
 */
export function expandLateral(alias: string, sign: 1 | -1): string {
  const body = `
    select m.day, m.source, m.utm_source, m.utm_medium, m.utm_campaign, ''::text as step,
           ${counterList(subscriberRow, sign)}
    union all
    select m.day, m.source, m.utm_source, m.utm_medium, m.utm_campaign, k.step,
           ${counterList(stepRow, sign)}
      from (select key as step, value::int as bits from jsonb_each_text(m.steps)) k`;
  return `lateral (${body.replaceAll("m.", `${alias}.`)}) `;
}

const eventBitsCase = `case ev.type ${Object.entries(EVENT_BITS)
  .map(([type, bit]) => `when '${type}' then ${bit}`)
  .join(" ")} else 0 end`;

export const STATS_DDL = `
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
         (select d.step from deliveries d where d.subscriber_id = s.id and d.state = 'sent'
           order by d.sent_at desc nulls last, d.id desc limit 1),
         coalesce((
           select jsonb_object_agg(x.step, x.bits) from (
             select d.step,
                    bit_or(case d.state when 'sent' then ${STEP_BITS.sent} when 'failed' then ${STEP_BITS.failed} else 0 end
                           | coalesce(ev.bits, 0)) as bits
               from deliveries d
               left join lateral (
                 select bit_or(${eventBitsCase}) as bits from email_events ev where ev.delivery_id = d.id
               ) ev on true
              where d.subscriber_id = s.id
              group by d.step
           ) x where x.bits <> 0), '{}'::jsonb)
    from subscribers s
   where s.id = any(ids)
  union all
  select '${ORPHAN_ID}'::uuid, null, null, null, null, null, 'none', false, false,
         (select count(*)::int from guide_downloads g where g.subscriber_id is null), null, '{}'::jsonb
   where '${ORPHAN_ID}'::uuid = any(ids)
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
    insert into stats_dirty (subscriber_id) values (coalesce(old.subscriber_id, '${ORPHAN_ID}'::uuid));
  end if;
  if tg_op = 'INSERT' or (tg_op = 'UPDATE' and new.subscriber_id is distinct from old.subscriber_id) then
    insert into stats_dirty (subscriber_id) values (coalesce(new.subscriber_id, '${ORPHAN_ID}'::uuid));
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

create or replace trigger stats_mark_insert after insert on deliveries for each row
  when (new.state in ('sent', 'failed')) execute function stats_mark_by_subscriber();
create or replace trigger stats_mark_update after update on deliveries for each row
  when (old.subscriber_id is distinct from new.subscriber_id
        or ((old.state in ('sent', 'failed') or new.state in ('sent', 'failed'))
            and (old.state is distinct from new.state or old.sent_at is distinct from new.sent_at
                 or old.step is distinct from new.step)))
  execute function stats_mark_by_subscriber();
create or replace trigger stats_mark_delete after delete on deliveries for each row
  execute function stats_mark_by_subscriber();

create or replace trigger stats_mark_insert after insert on email_events for each row
  when (new.delivery_id is not null and new.type in (${EVENT_TYPES})) execute function stats_mark_email_events();
create or replace trigger stats_mark_update after update on email_events for each row
  when (old.delivery_id is distinct from new.delivery_id or old.type is distinct from new.type)
  execute function stats_mark_email_events();
create or replace trigger stats_mark_delete after delete on email_events for each row
  when (old.delivery_id is not null) execute function stats_mark_email_events();

create or replace trigger stats_mark after insert or delete on guide_downloads
  for each row execute function stats_mark_by_subscriber();
create or replace trigger stats_mark_update after update on guide_downloads for each row
  when (old.subscriber_id is distinct from new.subscriber_id) execute function stats_mark_by_subscriber();
`;

const TRIGGER_COUNT = STATS_DDL.match(/create or replace trigger/g)!.length;

export const STATS_DDL_VERSION = createHash("sha256").update(STATS_DDL).digest("hex").slice(0, 16);
const COMMENT = `flare-up-reset stats ${STATS_DDL_VERSION}`;

/**
 * Installs (or upgrades) the stats functions and triggers. Cheap when they are current. Run after
 * the migrations, under the migration lock (src/db/migrate.ts). Returns true if it (re)installed.
 */
export async function installStatsFunctions(sql: postgres.Sql): Promise<boolean> {
  const [current] = await sql<{ comment: string | null; triggers: number }[]>`
    select obj_description(to_regprocedure('stats_state_of(uuid[])'), 'pg_proc') as comment,
           (select count(*)::int from pg_trigger where tgname like 'stats_mark%' and not tgisinternal) as triggers`;
  // A migration that had to drop a trigger (to change a column its WHEN clause reads) leaves
  // fewer: changes may have gone unmarked, so that counts as a new version too.
  if (current?.comment === COMMENT && current.triggers === TRIGGER_COUNT) return false;
  await sql.begin(async (tx) => {
    await tx.unsafe(STATS_DDL);
    await tx.unsafe(`comment on function stats_state_of(uuid[]) is '${COMMENT}'`);
    // Definitions changed: what is stored may mean something else now. Start over; the fold
    // rebuilds from the base tables, and reads stay exact meanwhile (every id is marked).
    await tx`truncate stats_rollup, stats_subscriber_state, stats_dirty`;
    await tx`
      insert into stats_dirty (subscriber_id)
      select id from subscribers union all select ${ORPHAN_ID}::uuid`;
  });
  return true;
}
