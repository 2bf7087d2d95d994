import { getTableColumns } from "drizzle-orm";
import type postgres from "postgres";
import { statsSubscriberState } from "../schema/stats-subscriber-state.js";
import { addRollupRows, expandLateral, ORPHAN_ID, ROLLUP_COUNTERS, type RollupCounter } from "../stats-functions.js";

/** The SQL behind the campaign stats (src/db/stats-functions.ts explains the scheme). */

// Any fixed number: one fold at a time across every process.
const FOLD_LOCK = 7_245_312;

const sums = ROLLUP_COUNTERS.map((c) => `sum(${c})::float8 as ${c}`).join(", ");
/** Every column of a subscriber's stored contribution but its key: what a fold rewrites. */
const STATE_COLUMNS = Object.values(getTableColumns(statsSubscriberState))
  .map((c) => c.name)
  .filter((name) => name !== "subscriber_id");

/**
 * Folds up to `limit` marked subscribers into the rollup in one statement (one snapshot): the marks
 * it deletes are exactly those whose changes it sees. Returns the marks taken, 0 if another folds.
 */
export async function foldStatsBatch(sql: postgres.Sql, limit: number): Promise<number> {
  return sql.begin(async (tx) => {
    const [lock] = await tx<{ locked: boolean }[]>`select pg_try_advisory_xact_lock(${FOLD_LOCK}) as locked`;
    if (!lock?.locked) return 0;
    const [row] = await tx.unsafe<{ marks: number }[]>(
      `
      with batch as (
        delete from stats_dirty where ctid = any(array(select ctid from stats_dirty limit $1))
        returning subscriber_id
      ), ids as (
        select array(select distinct subscriber_id from batch) as ids
      ), fresh as (
        select f.* from stats_state_of((select ids from ids)::uuid[]) f
      ), old as (
        select m.* from stats_subscriber_state m where m.subscriber_id = any((select ids from ids)::uuid[])
      ), deltas as (
        select e.* from fresh f cross join ${expandLateral("f", 1)} e
        union all
        select e.* from old m cross join ${expandLateral("m", -1)} e
      ), rollup as (${addRollupRows("stats_rollup", "select * from deltas")}
      ), gone as (
        delete from stats_subscriber_state
         where subscriber_id = any((select ids from ids)::uuid[]) and subscriber_id not in (select subscriber_id from fresh)
      ), stored as (
        insert into stats_subscriber_state select * from fresh
        on conflict (subscriber_id) do update set ${STATE_COLUMNS.map((c) => `${c} = excluded.${c}`).join(", ")}
      )
      select (select count(*) from batch)::int as marks`,
      [limit],
    );
    return row?.marks ?? 0;
  });
}

/** Folds until nothing is marked (or another process holds the fold). Returns the marks taken. */
export async function foldStats(sql: postgres.Sql, batch = 5000): Promise<number> {
  let total = 0;
  for (;;) {
    const marks = await foldStatsBatch(sql, batch);
    total += marks;
    if (marks < batch) return total;
  }
}

/** How many marks wait for the fold (for /metrics and the bench). */
export async function pendingStatsMarks(sql: postgres.Sql): Promise<number> {
  const [row] = await sql<{ n: number }[]>`select count(*)::int as n from stats_dirty`;
  return row?.n ?? 0;
}

/**
 * Recomputes everything from the base tables in one transaction, holding off writers (SHARE locks):
 * for a freshly seeded database (the bench) or a suspicion; in normal running the fold keeps it exact.
 */
export async function rebuildStats(sql: postgres.Sql): Promise<void> {
  await sql.begin(async (tx) => {
    await tx`lock table subscribers, enrollments, deliveries, email_events, guide_downloads, link_visits, checkin_answers, conversions in share mode`;
    await tx`truncate stats_rollup, stats_subscriber_state, stats_dirty`;
    await tx`
      insert into stats_subscriber_state
      select * from stats_state_of(array(select id from subscribers) || ${ORPHAN_ID}::uuid)`;
    await tx.unsafe(addRollupRows("stats_rollup", `select e.* from stats_subscriber_state m cross join ${expandLateral("m", 1)} e`));
  });
}

/** A cohort filter: signup day range (UTC, inclusive) and exact source/UTM values (null = none). */
export interface CohortFilter {
  from?: string;
  to?: string;
  source?: string | null;
  utmSource?: string | null;
  utmMedium?: string | null;
  utmCampaign?: string | null;
}

export type Counters = Record<RollupCounter, number>;

export interface StatsRows {
  /** Per step ('' = the subscriber counters), summed over the filter. */
  byStep: Map<string, Counters>;
  /** Signups per signup day. */
  byDay: { day: string; subscribers: number }[];
  /** Everything per source/UTM combination. */
  bySource: ({ source: string | null; utmSource: string | null; utmMedium: string | null; utmCampaign: string | null } & Counters)[];
}

/**
 * One row of readStatsRows' statement: grouping() is an int4, the sums are cast to float8 (both
 * parsed as numbers) and never null (every counter column is NOT NULL, every group has rows). In a
 * row of the (step) grouping set the step is set; in one of the (day) set, the day (or null for
 * downloads of deleted subscribers).
 */
type StatsRow = {
  g_step: number;
  g_day: number;
  step: string | null;
  day: string | null;
  source: string | null;
  utm_source: string | null;
  utm_medium: string | null;
  utm_campaign: string | null;
} & Counters;

/**
 * The numbers for a filter, exact as of one snapshot: the rollup, plus for subscribers still
 * marked their fresh contribution minus the stored one. One statement, three groupings.
 */
export async function readStatsRows(sql: postgres.Sql, filter: CohortFilter): Promise<StatsRows> {
  const where: string[] = [];
  const params: (string | null)[] = [];
  const bind = (value: string) => {
    params.push(value);
    return `$${params.length}`;
  };
  if (filter.from) where.push(`day >= ${bind(filter.from)}::date`);
  if (filter.to) where.push(`day <= ${bind(filter.to)}::date`);
  const exact: [keyof CohortFilter, string][] = [
    ["source", "source"],
    ["utmSource", "utm_source"],
    ["utmMedium", "utm_medium"],
    ["utmCampaign", "utm_campaign"],
  ];
  for (const [key, column] of exact) {
    const value = filter[key];
    if (value === undefined) continue;
    where.push(value === null ? `${column} is null` : `${column} = ${bind(value)}`);
  }
  // Downloads of deleted subscribers have no cohort: counted only when nothing is filtered.
  if (where.length > 0) where.push("day is not null");

  const rows = await sql.unsafe<StatsRow[]>(
    `
    with dirty as (
      select array(select distinct subscriber_id from stats_dirty) as ids
    ), r as (
      select * from stats_rollup
      union all
      select * from engagement_archive
      union all
      select e.* from stats_state_of((select ids from dirty)::uuid[]) f cross join ${expandLateral("f", 1)} e
      union all
      select e.* from stats_subscriber_state m cross join ${expandLateral("m", -1)} e
       where m.subscriber_id = any((select ids from dirty)::uuid[])
    )
    select grouping(step) as g_step, grouping(day) as g_day, step, day::text as day,
           source, utm_source, utm_medium, utm_campaign, ${sums}
      from r
     ${where.length > 0 ? `where ${where.join(" and ")}` : ""}
     group by grouping sets ((step), (day), (source, utm_source, utm_medium, utm_campaign))`,
    params,
  );

  const result: StatsRows = { byStep: new Map(), byDay: [], bySource: [] };
  for (const { g_step, g_day, step, day, source, utm_source, utm_medium, utm_campaign, ...counters } of rows) {
    if (g_step === 0) result.byStep.set(step ?? "", counters);
    else if (g_day === 0) {
      if (day !== null) result.byDay.push({ day, subscribers: counters.subscribers });
    } else {
      result.bySource.push({ source, utmSource: utm_source, utmMedium: utm_medium, utmCampaign: utm_campaign, ...counters });
    }
  }
  result.byDay.sort((a, b) => a.day.localeCompare(b.day));
  return result;
}
