import type postgres from "postgres";
import { z } from "zod";
import type { SequenceDefinition } from "../campaign/sequence.js";
import { readStatsRows, type CohortFilter, type Counters } from "../db/queries/stats.js";
import { ROLLUP_COUNTERS } from "../db/stats-functions.js";

/**
 * GET /admin/api/stats: the shape DESIGN.md fixes, plus extra fields. Every number counts a cohort
 * (who signed up in the date range, UTC days inclusive, with the given source/UTM values), exact
 * against the base tables at the read (docs/admin-and-stats.md "The stats: what each number means").
 */
export type CampaignStats = Awaited<ReturnType<typeof campaignStats>>;

export interface StatsDeps {
  sql: postgres.Sql;
  sequence: SequenceDefinition;
}

const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date like 2026-11-24")
  // Round trip: Date.parse accepts 2026-02-30 (as 2 March).
  .refine((v) => {
    const ms = Date.parse(`${v}T00:00:00Z`);
    return !Number.isNaN(ms) && new Date(ms).toISOString().slice(0, 10) === v;
  }, "must be a real date");
/** `(none)` selects subscribers without that value. */
const label = z.string().trim().max(200).transform((v) => (v === "(none)" ? null : v));

export const statsQuerySchema = z
  .object({
    from: day.optional(),
    to: day.optional(),
    source: label.optional(),
    utm_source: label.optional(),
    utm_medium: label.optional(),
    utm_campaign: label.optional(),
  })
  .refine((q) => !q.from || !q.to || q.from <= q.to, { message: "must not be after to", path: ["from"] });

export function filterFromQuery(q: z.infer<typeof statsQuerySchema>): CohortFilter {
  const filter: CohortFilter = {};
  if (q.from) filter.from = q.from;
  if (q.to) filter.to = q.to;
  if (q.source !== undefined) filter.source = q.source;
  if (q.utm_source !== undefined) filter.utmSource = q.utm_source;
  if (q.utm_medium !== undefined) filter.utmMedium = q.utm_medium;
  if (q.utm_campaign !== undefined) filter.utmCampaign = q.utm_campaign;
  return filter;
}

const ZERO = () => Object.fromEntries(ROLLUP_COUNTERS.map((c) => [c, 0])) as Counters;

function stepStats(step: string, c: Counters) {
  return {
    step,
    sent: c.sent,
    delivered: c.delivered,
    opened: c.opened,
    clicked: c.clicked,
    automatedClicks: c.automated_clicks,
    bounced: c.step_bounced,
    complained: c.step_complained,
    failed: c.failed,
    unsubscribed: c.left_after,
  };
}

export async function campaignStats(deps: StatsDeps, filter: CohortFilter, now = new Date()) {
  const rows = await readStatsRows(deps.sql, filter);
  const people = rows.byStep.get("") ?? ZERO();
  const sequenceKeys = deps.sequence.steps.map((s) => s.key as string);
  const steps = sequenceKeys.map((key) => stepStats(key, rows.byStep.get(key) ?? ZERO()));
  const retiredSteps = [...rows.byStep.entries()]
    .filter(([key]) => key !== "" && !sequenceKeys.includes(key))
    .map(([key, c]) => stepStats(key, c))
    .filter((s) => Object.entries(s).some(([k, v]) => k !== "step" && v !== 0));
  const leftAfterSomeStep = [...rows.byStep.entries()].reduce((n, [key, c]) => (key === "" ? n : n + c.left_after), 0);

  return {
    subscribers: {
      total: people.subscribers,
      pending: people.pending,
      active: people.active,
      completed: people.completed,
      unsubscribed: people.unsubscribed,
      bounced: people.bounced,
      complained: people.complained,
      confirmed: people.confirmed,
    },
    guide: { downloads: people.downloads, uniqueSubscribers: people.downloaders, automated: people.automated_downloads },
    steps,
    signupsByDay: fillDays(rows.byDay, filter, now),
    unsubscribedBeforeFirstEmail: people.unsubscribed - leftAfterSomeStep,
    checkIn: checkInStats(rows.byStep.get("check-in")?.sent ?? 0, people),
    conversions: { booked: people.booked },
    bookingClicks: people.booking_clicked,
    retiredSteps,
    sources: rows.bySource
      .filter((s) => s.subscribers > 0)
      .map((s) => ({
        source: s.source,
        utmSource: s.utmSource,
        utmMedium: s.utmMedium,
        utmCampaign: s.utmCampaign,
        signups: s.subscribers,
        confirmed: s.confirmed,
        active: s.active,
        guideDownloaders: s.downloaders,
        emailsClicked: s.clicked,
        unsubscribed: s.unsubscribed,
        booked: s.booked,
      }))
      .sort((a, b) => b.signups - a.signups),
    estimates: {
      "steps.opened":
        "Opens are an estimate: Apple Mail Privacy Protection and other image proxies load every email, read or not. Clicks and guide downloads count people only (mail scanners' fetches are counted apart).",
    },
    filter,
    generatedAt: now.toISOString(),
  };
}

/** Readers asked, and how the ones who answered feel now (an answer without the email, impossible, is not "unanswered"). */
function checkInStats(asked: number, c: Counters) {
  const answered = c.answered_better + c.answered_same + c.answered_worse;
  return { asked, better: c.answered_better, same: c.answered_same, worse: c.answered_worse, unanswered: Math.max(0, asked - answered) };
}

const DAY_MS = 86_400_000;
const MAX_DAYS = 3660;
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const dayMs = (d: string) => Date.parse(`${d}T00:00:00Z`);

/** Every day of the range, zeros included: from the filter, else from the first signup to today. */
export function fillDays(
  byDay: { day: string; subscribers: number }[],
  filter: Pick<CohortFilter, "from" | "to">,
  now: Date,
): { date: string; count: number }[] {
  const counts = new Map(byDay.filter((d) => d.subscribers !== 0).map((d) => [d.day, d.subscribers]));
  const known = [...counts.keys()].sort();
  if (known.length === 0 && !(filter.from && filter.to)) return [];
  let start = filter.from ? dayMs(filter.from) : dayMs(known[0]!);
  let end = filter.to ? dayMs(filter.to) : Math.max(dayMs(isoDay(now.getTime())), known.length ? dayMs(known.at(-1)!) : 0);
  if ((end - start) / DAY_MS > MAX_DAYS && known.length > 0) {
    // An open-ended filter such as from=1900-01-01: keep to the days that can hold signups.
    start = Math.max(start, dayMs(known[0]!));
    end = Math.min(end, Math.max(dayMs(known.at(-1)!), dayMs(isoDay(now.getTime()))));
  }
  const days: { date: string; count: number }[] = [];
  for (let t = start; t <= end && days.length <= MAX_DAYS; t += DAY_MS) {
    const date = isoDay(t);
    days.push({ date, count: counts.get(date) ?? 0 });
  }
  return days;
}
