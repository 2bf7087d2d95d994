import { describe, expect, it } from "vitest";
import { dueTime, intoWindow, type ScheduleOptions, type SendWindow } from "../../src/campaign/schedule.js";

const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;
const DAYTIME: SendWindow = { startMinute: 8 * 60, endMinute: 20 * 60 }; // 08:00-20:00
const EVENING: SendWindow = { startMinute: 20 * 60, endMinute: 2 * 60 }; // 20:00-02:00, wraps midnight
const NEW_YORK = "America/New_York";
const LISBON = "Europe/Lisbon";
const KOLKATA = "Asia/Kolkata";

/** "YYYY-MM-DD HH:mm" on the wall clock of `timeZone`, as Intl reads it (independent of luxon). */
function wallClock(at: Date, timeZone: string): string {
  const parts = new Intl.DateTimeFormat("en-CA", {
    timeZone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).formatToParts(at);
  const get = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? "";
  return `${get("year")}-${get("month")}-${get("day")} ${get("hour")}:${get("minute")}`;
}

const utc = (iso: string) => new Date(iso);
const options = (overrides: Partial<ScheduleOptions> = {}): ScheduleOptions => ({
  timeScale: 1,
  window: undefined,
  timeZone: NEW_YORK,
  ...overrides,
});

describe("dueTime", () => {
  const after = utc("2026-05-01T07:00:00Z"); // 03:00 in New York

  it("adds whole days at scale 1 without a window", () => {
    expect(dueTime(after, 1, options())).toEqual(new Date(after.getTime() + DAY));
    expect(dueTime(after, 3, options())).toEqual(new Date(after.getTime() + 3 * DAY));
  });

  it("divides the delay by the time scale", () => {
    expect(dueTime(after, 1, options({ timeScale: 86400 }))).toEqual(new Date(after.getTime() + 1000));
    expect(dueTime(after, 2, options({ timeScale: 24 }))).toEqual(new Date(after.getTime() + 2 * HOUR));
  });

  it("returns `after` itself for a delay of 0, even outside the window", () => {
    expect(dueTime(after, 0, options({ window: DAYTIME }))).toEqual(after);
  });

  it("moves a due time before opening to 08:00 the same local day", () => {
    const due = dueTime(after, 1, options({ window: DAYTIME })); // 2026-05-02 03:00 EDT
    expect(wallClock(due, NEW_YORK)).toBe("2026-05-02 08:00");
    expect(due).toEqual(utc("2026-05-02T12:00:00Z"));
  });

  it("moves a due time after closing to 08:00 the next local day", () => {
    const evening = utc("2026-05-02T01:00:00Z"); // 2026-05-01 21:00 EDT
    const due = dueTime(evening, 1, options({ window: DAYTIME }));
    expect(wallClock(due, NEW_YORK)).toBe("2026-05-03 08:00");
    expect(due).toEqual(utc("2026-05-03T12:00:00Z"));
  });

  it("leaves a due time inside the window unchanged", () => {
    const morning = utc("2026-05-01T14:00:00Z"); // 10:00 EDT
    expect(dueTime(morning, 1, options({ window: DAYTIME }))).toEqual(utc("2026-05-02T14:00:00Z"));
  });

  it("ignores the window when the time scale is not 1", () => {
    const night = utc("2026-05-01T07:00:00Z"); // 03:00 EDT
    expect(dueTime(night, 1, options({ window: DAYTIME, timeScale: 86400 }))).toEqual(new Date(night.getTime() + 1000));
    expect(dueTime(night, 1, options({ window: DAYTIME, timeScale: 2 }))).toEqual(new Date(night.getTime() + DAY / 2));
    expect(dueTime(night, 1, options({ window: DAYTIME, timeScale: 0.5 }))).toEqual(new Date(night.getTime() + 2 * DAY));
  });
});

describe("intoWindow 08:00-20:00", () => {
  it.each([
    // [due (UTC), expected wall clock, expected UTC]
    ["2026-05-01T07:00:00Z", "2026-05-01 08:00", "2026-05-01T12:00:00Z"], // 03:00 EDT → same day
    ["2026-05-02T01:00:00Z", "2026-05-02 08:00", "2026-05-02T12:00:00Z"], // 21:00 EDT → next day
    ["2026-05-02T00:00:00Z", "2026-05-02 08:00", "2026-05-02T12:00:00Z"], // 20:00 EDT: closing is exclusive
    ["2026-05-01T11:59:59Z", "2026-05-01 08:00", "2026-05-01T12:00:00Z"], // 07:59:59 EDT
  ])("in New York moves %s to %s", (due, wall, expected) => {
    const result = intoWindow(utc(due), DAYTIME, NEW_YORK);
    expect(wallClock(result, NEW_YORK)).toBe(wall);
    expect(result).toEqual(utc(expected));
  });

  it.each(["2026-05-01T12:00:00Z", "2026-05-01T14:00:00Z", "2026-05-01T23:59:59Z"])(
    "in New York leaves %s (inside) unchanged",
    (due) => {
      expect(intoWindow(utc(due), DAYTIME, NEW_YORK)).toEqual(utc(due));
    },
  );

  describe("across DST changes the opening stays at 08:00 local", () => {
    it.each([
      // US spring forward, 2026-03-08 02:00 EST → 03:00 EDT
      [NEW_YORK, "2026-03-08T06:30:00Z", "2026-03-08 08:00", "2026-03-08T12:00:00Z"], // 01:30 EST
      [NEW_YORK, "2026-03-08T07:30:00Z", "2026-03-08 08:00", "2026-03-08T12:00:00Z"], // 03:30 EDT
      [NEW_YORK, "2026-03-08T02:00:00Z", "2026-03-08 08:00", "2026-03-08T12:00:00Z"], // 21:00 EST on the 7th
      // US fall back, 2026-11-01 02:00 EDT → 01:00 EST
      [NEW_YORK, "2026-11-01T05:30:00Z", "2026-11-01 08:00", "2026-11-01T13:00:00Z"], // 01:30 EDT
      [NEW_YORK, "2026-11-01T06:30:00Z", "2026-11-01 08:00", "2026-11-01T13:00:00Z"], // 01:30 EST
      [NEW_YORK, "2026-11-01T01:00:00Z", "2026-11-01 08:00", "2026-11-01T13:00:00Z"], // 21:00 EDT on the 31st
      // EU spring forward, 2026-03-29 01:00 WET → 02:00 WEST
      [LISBON, "2026-03-29T00:30:00Z", "2026-03-29 08:00", "2026-03-29T07:00:00Z"], // 00:30 WET
      [LISBON, "2026-03-29T01:30:00Z", "2026-03-29 08:00", "2026-03-29T07:00:00Z"], // 02:30 WEST
      [LISBON, "2026-03-28T21:00:00Z", "2026-03-29 08:00", "2026-03-29T07:00:00Z"], // 21:00 WET on the 28th
      // EU fall back, 2026-10-25 02:00 WEST → 01:00 WET
      [LISBON, "2026-10-25T00:30:00Z", "2026-10-25 08:00", "2026-10-25T08:00:00Z"], // 01:30 WEST
      [LISBON, "2026-10-25T01:30:00Z", "2026-10-25 08:00", "2026-10-25T08:00:00Z"], // 01:30 WET
      [LISBON, "2026-10-24T20:30:00Z", "2026-10-25 08:00", "2026-10-25T08:00:00Z"], // 21:30 WEST on the 24th
    ])("%s: %s → %s", (zone, due, wall, expected) => {
      const result = intoWindow(utc(due), DAYTIME, zone);
      expect(wallClock(result, zone)).toBe(wall);
      expect(result).toEqual(utc(expected));
    });

    it("through dueTime too: one day after 21:00 the evening before spring forward is 08:00 EDT", () => {
      const after = utc("2026-03-07T02:00:00Z"); // 2026-03-06 21:00 EST
      const due = dueTime(after, 1, options({ window: DAYTIME }));
      expect(wallClock(due, NEW_YORK)).toBe("2026-03-08 08:00");
      expect(due).toEqual(utc("2026-03-08T12:00:00Z"));
    });
  });

  it.each([
    ["2026-01-15T20:00:00Z", "2026-01-16 08:00", "2026-01-16T02:30:00Z"], // 01:30 IST → same day
    ["2026-01-15T15:30:00Z", "2026-01-16 08:00", "2026-01-16T02:30:00Z"], // 21:00 IST → next day
  ])("handles the half-hour offset of Asia/Kolkata: %s → %s", (due, wall, expected) => {
    const result = intoWindow(utc(due), DAYTIME, KOLKATA);
    expect(wallClock(result, KOLKATA)).toBe(wall);
    expect(result).toEqual(utc(expected));
  });

  it("leaves 10:00 in Asia/Kolkata unchanged", () => {
    expect(intoWindow(utc("2026-01-15T04:30:00Z"), DAYTIME, KOLKATA)).toEqual(utc("2026-01-15T04:30:00Z"));
  });

  it("honours a window with minutes (08:30-17:45)", () => {
    const window = { startMinute: 8 * 60 + 30, endMinute: 17 * 60 + 45 };
    expect(wallClock(intoWindow(utc("2026-05-01T12:15:00Z"), window, NEW_YORK), NEW_YORK)).toBe("2026-05-01 08:30");
    expect(wallClock(intoWindow(utc("2026-05-01T21:45:00Z"), window, NEW_YORK), NEW_YORK)).toBe("2026-05-02 08:30");
    expect(intoWindow(utc("2026-05-01T21:44:00Z"), window, NEW_YORK)).toEqual(utc("2026-05-01T21:44:00Z"));
  });
});

describe("intoWindow with a window that wraps midnight (20:00-02:00)", () => {
  it.each(["2026-05-01T23:00:00Z", "2026-05-01T20:00:00Z", "2026-05-02T01:00:00Z", "2026-05-02T01:59:00Z"])(
    "leaves %s (inside) unchanged",
    (due) => {
      expect(intoWindow(utc(due), EVENING, "UTC")).toEqual(utc(due));
    },
  );

  it.each([
    ["2026-05-01T03:00:00Z", "2026-05-01T20:00:00Z"],
    ["2026-05-01T02:00:00Z", "2026-05-01T20:00:00Z"], // closing is exclusive
    ["2026-05-01T19:59:00Z", "2026-05-01T20:00:00Z"],
  ])("moves %s to 20:00 the same day", (due, expected) => {
    expect(intoWindow(utc(due), EVENING, "UTC")).toEqual(utc(expected));
  });

  it("works in a local zone too", () => {
    const result = intoWindow(utc("2026-05-01T07:00:00Z"), EVENING, NEW_YORK); // 03:00 EDT
    expect(wallClock(result, NEW_YORK)).toBe("2026-05-01 20:00");
  });
});

describe("intoWindow never returns a time earlier than its input", () => {
  const zones = [NEW_YORK, LISBON, KOLKATA, "UTC", "Australia/Lord_Howe", "Pacific/Chatham", "America/St_Johns"];
  const windows: SendWindow[] = [
    DAYTIME,
    EVENING,
    { startMinute: 90, endMinute: 180 }, // 01:30-03:00: opens inside DST gaps and overlaps
    { startMinute: 150, endMinute: 200 }, // 02:30-03:20: opens in the US spring-forward gap
    { startMinute: 0, endMinute: 60 },
    { startMinute: 23 * 60 + 30, endMinute: 30 },
  ];
  // Every 20 minutes across the days around each DST change above, plus an ordinary day.
  const starts = ["2026-03-07", "2026-03-28", "2026-10-24", "2026-10-31", "2026-01-14", "2026-04-04", "2026-10-03"];
  const instants = starts.flatMap((day) =>
    Array.from({ length: (3 * DAY) / (20 * 60 * 1000) }, (_, i) => new Date(Date.parse(`${day}T00:00:00Z`) + i * 20 * 60 * 1000)),
  );

  it.each(zones)("in %s", (zone) => {
    for (const window of windows) {
      for (const at of instants) {
        const result = intoWindow(at, window, zone);
        if (result.getTime() < at.getTime() || result.getTime() - at.getTime() > 2 * DAY) {
          expect.fail(`${zone} ${JSON.stringify(window)} ${at.toISOString()} → ${result.toISOString()}`);
        }
      }
    }
  });
});
