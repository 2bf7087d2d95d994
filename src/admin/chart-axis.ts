/**
 * The time axis of the dashboard's "Signups per day" chart (issue 18), worked out on the server
 * where it can be tested: left alone, uPlot sizes a time axis around a single day as if it were
 * years wide. Each day is a bar centred on its midnight UTC, so the scale reaches half a day past
 * the first and last; ticks are the finest of days, Mondays or months that keeps to `maxTicks`.
 */
export interface TimeAxis {
  /** Unix seconds: the scale's ends and the ticks, as uPlot takes them. */
  min: number;
  max: number;
  ticks: number[];
  labels: string[];
  /** What one step between ticks is, e.g. "1 day", "7 days", "1 month". */
  step: string;
}

const DAY = 86_400;
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const DAY_STEPS = [1, 2, 7, 14];
const MONTH_STEPS = [1, 2, 3, 6, 12];

const seconds = (isoDay: string) => Date.parse(`${isoDay}T00:00:00Z`) / 1000;
const dayLabel = (t: number) => {
  const d = new Date(t * 1000);
  return `${MONTHS[d.getUTCMonth()]} ${d.getUTCDate()}`;
};

function dayTicks(first: number, last: number, every: number): number[] {
  // Weeks and fortnights start on a Monday (1970-01-01 was a Thursday: +4 days makes Monday 0).
  let start = first;
  if (every >= 7) while (((start / DAY + 3) % 7) !== 0) start += DAY;
  const ticks: number[] = [];
  for (let t = start; t <= last; t += every * DAY) ticks.push(t);
  return ticks;
}

function monthTicks(first: number, last: number, every: number): number[] {
  const d = new Date(first * 1000);
  let year = d.getUTCFullYear();
  let month = d.getUTCMonth() + (d.getUTCDate() === 1 ? 0 : 1);
  const ticks: number[] = [];
  for (;;) {
    year += Math.floor(month / 12);
    month %= 12;
    const t = Date.UTC(year, month, 1) / 1000;
    if (t > last) return ticks;
    // Quarters and halves fall on Jan/Apr/Jul/Oct and Jan/Jul, whatever month the data starts in.
    if (month % every === 0) ticks.push(t);
    month += 1;
  }
}

export function signupsAxis(days: readonly { date: string }[], maxTicks = 8): TimeAxis | undefined {
  if (days.length === 0) return undefined;
  const first = seconds(days[0]!.date);
  const last = seconds(days.at(-1)!.date);
  const scale = { min: first - DAY / 2, max: last + DAY / 2 };
  for (const every of DAY_STEPS) {
    const ticks = dayTicks(first, last, every);
    if (ticks.length <= maxTicks && ticks.length > 0) {
      return { ...scale, ticks, labels: ticks.map(dayLabel), step: `${every} day${every === 1 ? "" : "s"}` };
    }
  }
  for (const every of MONTH_STEPS) {
    const ticks = monthTicks(first, last, every);
    if (ticks.length <= maxTicks) {
      const labels = ticks.map((t, i) => {
        const d = new Date(t * 1000);
        // The year on the first tick and on every January, so a year-long axis says which year.
        return i === 0 || d.getUTCMonth() === 0 ? `${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}` : MONTHS[d.getUTCMonth()]!;
      });
      return { ...scale, ticks, labels, step: `${every} month${every === 1 ? "" : "s"}` };
    }
  }
  // Decades of daily data: one tick a year is still readable.
  const ticks = monthTicks(first, last, 12).filter((_, i, all) => i % Math.ceil(all.length / maxTicks) === 0);
  return { ...scale, ticks, labels: ticks.map((t) => String(new Date(t * 1000).getUTCFullYear())), step: "years" };
}
