import { DateTime } from "luxon";

/** Pure scheduling: when a step is due. No I/O, no clock of its own: `now`/`after` come in. */
export interface SendWindow {
  /** Minutes after local midnight; the window is [startMinute, endMinute). */
  startMinute: number;
  endMinute: number;
}

export interface ScheduleOptions {
  /** SEQUENCE_TIME_SCALE: 86400 makes a day pass in a second. */
  timeScale: number;
  window: SendWindow | undefined;
  timeZone: string;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * When a step `delayDays` after `after` may go out: the delay divided by the time scale; the send
 * window only at real time (scale 1), since in a scaled demo a "day" lasts seconds, with no night.
 */
export function dueTime(after: Date, delayDays: number, options: ScheduleOptions): Date {
  const due = new Date(after.getTime() + (delayDays * DAY_MS) / options.timeScale);
  if (delayDays === 0 || options.timeScale !== 1 || !options.window) return due;
  return intoWindow(due, options.window, options.timeZone);
}

/** The earliest moment at or after `at` that falls inside the window in `timeZone`. */
export function intoWindow(at: Date, window: SendWindow, timeZone: string): Date {
  const local = DateTime.fromJSDate(at, { zone: timeZone });
  const minute = local.hour * 60 + local.minute;
  const { startMinute, endMinute } = window;
  const wraps = endMinute <= startMinute; // e.g. 20:00-02:00
  const inside = wraps
    ? minute >= startMinute || minute < endMinute
    : minute >= startMinute && minute < endMinute;
  if (inside) return at;
  // Before today's opening: wait for it; after closing: tomorrow's. Setting the wall-clock
  // time (not adding minutes to midnight) keeps 08:00 at 08:00 on a DST-change day.
  const opening = { hour: Math.floor(startMinute / 60), minute: startMinute % 60, second: 0, millisecond: 0 };
  const day = minute < startMinute ? local : local.plus({ days: 1 });
  return day.set(opening).toJSDate();
}
