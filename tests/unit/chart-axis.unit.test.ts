import { describe, expect, it } from "vitest";
import { signupsAxis } from "../../src/admin/chart-axis.js";
import { fillDays } from "../../src/admin/stats.js";

const DAY = 86_400;
const at = (isoDay: string) => Date.parse(`${isoDay}T00:00:00Z`) / 1000;
/** `n` consecutive days ending on `last`, as the dashboard gets them. */
function daysEnding(last: string, n: number) {
  return Array.from({ length: n }, (_, i) => ({ date: new Date((at(last) - (n - 1 - i) * DAY) * 1000).toISOString().slice(0, 10), count: 1 }));
}
/** An independent reading of a tick: the weekday and date as Intl sees them in UTC. */
const intl = (t: number, options: Intl.DateTimeFormatOptions) => new Intl.DateTimeFormat("en-US", { timeZone: "UTC", ...options }).format(new Date(t * 1000));

describe("the signups chart's time axis", () => {
  it("1 day: the one day, with half a day either side for its bar, one tick", () => {
    const axis = signupsAxis(daysEnding("2026-11-30", 1))!;
    expect(axis).toMatchObject({ min: at("2026-11-30") - DAY / 2, max: at("2026-11-30") + DAY / 2, step: "1 day" });
    expect(axis.ticks).toEqual([at("2026-11-30")]);
    expect(axis.labels).toEqual(["Nov 30"]);
  });

  it("2 days: both days ticked, the scale exactly two days wide", () => {
    const axis = signupsAxis(daysEnding("2026-11-30", 2))!;
    expect(axis.max - axis.min).toBe(2 * DAY);
    expect(axis.ticks).toEqual([at("2026-11-29"), at("2026-11-30")]);
    expect(axis.labels).toEqual(["Nov 29", "Nov 30"]);
  });

  it("30 days: weekly ticks on Mondays, inside the data", () => {
    const days = daysEnding("2026-11-30", 30);
    for (const maxTicks of [12, 5]) {
      const axis = signupsAxis(days, maxTicks)!;
      expect(axis.step).toBe("7 days");
      expect(axis.labels).toEqual(["Nov 2", "Nov 9", "Nov 16", "Nov 23", "Nov 30"]);
      for (const t of axis.ticks) expect(intl(t, { weekday: "long" })).toBe("Monday");
      expect(axis.min).toBe(at("2026-11-01") - DAY / 2);
      expect(axis.max).toBe(at("2026-11-30") + DAY / 2);
    }
  });

  it("365 days: the first of each month on a wide card, quarters on a phone, the year where it turns", () => {
    const days = daysEnding("2026-11-30", 365);
    const wide = signupsAxis(days, 12)!;
    expect(wide.step).toBe("1 month");
    expect(wide.labels).toEqual(["Dec 2025", "Jan 2026", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov"]);
    for (const t of wide.ticks) expect(intl(t, { day: "numeric" })).toBe("1");
    const narrow = signupsAxis(days, 5)!;
    expect(narrow.step).toBe("3 months");
    expect(narrow.labels).toEqual(["Jan 2026", "Apr", "Jul", "Oct"]);
    expect(narrow.max - narrow.min).toBe(365 * DAY);
  });

  it("never has more ticks than asked, and every tick lies on the scale", () => {
    for (const n of [1, 2, 3, 9, 15, 31, 60, 120, 400, 800, 3000]) {
      for (const maxTicks of [5, 8, 12]) {
        const axis = signupsAxis(daysEnding("2026-11-30", n), maxTicks)!;
        expect(axis.ticks.length).toBeGreaterThan(0);
        expect(axis.ticks.length).toBeLessThanOrEqual(maxTicks);
        expect(axis.labels).toHaveLength(axis.ticks.length);
        for (const t of axis.ticks) expect(t > axis.min && t < axis.max).toBe(true);
      }
    }
  });

  it("spans the filter's range, not just the days that had signups", () => {
    const days = fillDays([{ day: "2026-11-30", subscribers: 3 }], { from: "2026-11-01", to: "2026-11-30" }, new Date("2026-11-30T12:00:00Z"));
    const axis = signupsAxis(days)!;
    expect(axis.min).toBe(at("2026-11-01") - DAY / 2);
    expect(axis.max).toBe(at("2026-11-30") + DAY / 2);
  });

  it("has no axis without days (the chart says there are no signups instead)", () => {
    expect(signupsAxis([])).toBeUndefined();
  });
});
