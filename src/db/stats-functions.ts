/**
 * What the stats reads must agree with: the bits of the per-step facts and the rollup's columns.
 * The scheme (rollup, marks, fold, exact reads) is docs/admin-and-stats.md "Exact and fast"; the
 * SQL function stats_state_of() and the triggers are custom migrations (the latest: 0009_listening.sql).
 */

/** The nil UUID: the contribution of downloads whose subscriber row was deleted. */
export const ORPHAN_ID = "00000000-0000-0000-0000-000000000000";

/** Bits of the per-step facts in stats_subscriber_state.steps. */
const STEP_BITS = { sent: 1, failed: 2, delivered: 4, opened: 8, clicked: 16, bounced: 32, complained: 64 } as const;

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
  "automated_downloads",
  "automated_clicks",
  "answered_better",
  "answered_same",
  "answered_worse",
  "booked",
  "booking_clicked",
] as const;
export type RollupCounter = (typeof ROLLUP_COUNTERS)[number];
/** The rollup's key: a cohort (signup day, source, UTM labels) and a step ('' for the subscriber row). */
const KEY = "day, source, utm_source, utm_medium, utm_campaign, step";

const has = (bit: number) => `((k.bits & ${bit}) <> 0)`;
/** Each counter's flag in the subscriber row and in a step row (false unless set; counts below). */
const noFlags = () => Object.fromEntries(ROLLUP_COUNTERS.map((c) => [c, "false"])) as Record<RollupCounter, string>;
const subscriberRow: Record<RollupCounter, string> = {
  ...noFlags(),
  subscribers: "m.status <> 'none'",
  pending: "m.status = 'pending'",
  active: "m.status = 'active'",
  completed: "m.status = 'active' and m.completed",
  unsubscribed: "m.status = 'unsubscribed'",
  bounced: "m.status = 'bounced'",
  complained: "m.status = 'complained'",
  confirmed: "m.status <> 'none' and m.confirmed",
  downloaders: "m.status <> 'none' and m.downloads > 0",
  answered_better: "m.answer = 'better'",
  answered_same: "m.answer = 'same'",
  answered_worse: "m.answer = 'worse'",
  booked: "m.booked",
  booking_clicked: "m.booking_clicked",
};
const stepRow: Record<RollupCounter, string> = {
  ...noFlags(),
  sent: has(STEP_BITS.sent),
  failed: has(STEP_BITS.failed),
  delivered: has(STEP_BITS.delivered),
  opened: has(STEP_BITS.opened),
  clicked: has(STEP_BITS.clicked),
  step_bounced: has(STEP_BITS.bounced),
  step_complained: has(STEP_BITS.complained),
  left_after: "m.status = 'unsubscribed' and m.last_step = k.step",
};

/** Counters that are counts, not flags: the expression of the count in each kind of row. */
const counts: Partial<Record<RollupCounter, { subscriber?: string; step?: string }>> = {
  downloads: { subscriber: "m.downloads" },
  automated_downloads: { subscriber: "m.automated_downloads" },
  automated_clicks: { step: "k.automated" },
};

const counterList = (row: Record<RollupCounter, string>, sign: 1 | -1) =>
  ROLLUP_COUNTERS.map((c) => {
    const count = counts[c]?.[row === subscriberRow ? "subscriber" : "step"];
    return count
      ? `(${sign} * ${count})::bigint as ${c}`
      : `(${sign} * coalesce(${row[c]}, false)::int)::bigint as ${c}`;
  }).join(",\n           ");

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
      from (select coalesce(kb.key, ka.key) as step, coalesce(kb.value::int, 0) as bits, coalesce(ka.value::int, 0) as automated
              from jsonb_each_text(m.steps) kb full join jsonb_each_text(m.automated_clicks) ka on ka.key = kb.key) k`;
  return `lateral (${body.replaceAll("m.", `${alias}.`)}) `;
}

/**
 * Adds `rows` (a query of the key and the counters, such as contributions from expandLateral) into
 * `table`, summed per key: an existing row gains the sums; a key whose sums are all 0 is skipped.
 */
export function addRollupRows(table: "stats_rollup" | "engagement_archive", rows: string): string {
  return `
    insert into ${table} (${KEY}, ${ROLLUP_COUNTERS.join(", ")})
    select ${KEY}, ${ROLLUP_COUNTERS.map((c) => `sum(${c})`).join(", ")}
      from (${rows}) added
     group by ${KEY}
    having ${ROLLUP_COUNTERS.map((c) => `sum(${c}) <> 0`).join(" or ")}
    on conflict (${KEY}) do update set ${ROLLUP_COUNTERS.map((c) => `${c} = ${table}.${c} + excluded.${c}`).join(", ")}`;
}
