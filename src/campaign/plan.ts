import { createHash } from "node:crypto";
import { dueTime, type SendWindow } from "./schedule.js";
import type { SequenceDefinition, SequenceStep } from "./sequence.js";

/**
 * Pure planning: which step an enrollment gets next, and when, under a sequence definition.
 * The worker (after each send) and the re-planner (after the definition changed) both ask this
 * one function, so "what comes next" has a single answer. No I/O, no clock of its own.
 */

/** SEQUENCE_TIME_SCALE, SEND_WINDOW and DEFAULT_TIMEZONE, as the scheduler needs them. */
export interface ScheduleSettings {
  timeScale: number;
  window: SendWindow | undefined;
  defaultTimeZone: string;
}

/** A step the enrollment is done with: sent, or failed for good. */
export interface FinishedStep {
  step: string;
  /** When it was sent (or marked failed): the next delay counts from here. */
  finishedAt: Date;
}

export interface PlannedStep {
  step: SequenceStep;
  dueAt: Date;
}

/**
 * The step after the furthest step the enrollment has finished that the definition still has —
 * a subscriber never goes back: a step inserted before that point is one they have passed. The
 * delay counts from the latest finish (the last email they got); with nothing finished yet,
 * from `startedAt` (the enrollment's start). Undefined when no step is left: the sequence is over.
 * Steps the definition no longer has are ignored for the position but still count as the last
 * email sent.
 */
export function planNext(
  sequence: SequenceDefinition,
  finished: readonly FinishedStep[],
  startedAt: Date,
  settings: ScheduleSettings,
  timeZone: string | null,
): PlannedStep | undefined {
  let position = -1;
  let after: Date | undefined;
  for (const f of finished) {
    position = Math.max(position, sequence.steps.findIndex((s) => s.key === f.step));
    if (!after || f.finishedAt.getTime() > after.getTime()) after = f.finishedAt;
  }
  const step = sequence.steps[position + 1];
  if (!step) return undefined;
  const dueAt = dueTime(after ?? startedAt, step.delayDays, {
    timeScale: settings.timeScale,
    window: settings.window,
    timeZone: timeZone ?? settings.defaultTimeZone,
  });
  return { step, dueAt };
}

/**
 * Identifies a definition together with the schedule settings: when it differs from the one the
 * enrollments were last planned with, they are planned again (README "Changing the sequence").
 */
export function sequenceFingerprint(sequence: SequenceDefinition, settings: ScheduleSettings): string {
  const canonical = JSON.stringify({
    key: sequence.key,
    steps: sequence.steps.map((s) => [s.key, s.delayDays]),
    timeScale: settings.timeScale,
    window: settings.window ? [settings.window.startMinute, settings.window.endMinute] : null,
    defaultTimeZone: settings.defaultTimeZone,
  });
  return createHash("sha256").update(canonical).digest("hex");
}
