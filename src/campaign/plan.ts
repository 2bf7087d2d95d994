import { createHash } from "node:crypto";
import { dueTime, type SendWindow } from "./schedule.js";
import type { CheckInAnswer } from "./links.js";
import { branchTargets, type SequenceDefinition, type SequenceStep } from "./sequence.js";

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

/** The reader's latest answer to the check-in (the latest wins). */
export interface Answer {
  answer: CheckInAnswer;
  answeredAt: Date;
}

/**
 * The step after the furthest step of the main line the enrollment has finished, its delay counted
 * from the latest finish, else from `startedAt` (the rule: docs/sequence.md "Changing the sequence";
 * a step the definition no longer has still counts as the last email sent). After a question, the
 * step the latest answer leads to, `delayDays` after the answer — or, with none, the `unanswered`
 * step after the question; a branch's step is the last. Undefined when no step is left.
 */
export function planNext(
  sequence: SequenceDefinition,
  finished: readonly FinishedStep[],
  startedAt: Date,
  settings: ScheduleSettings,
  timeZone: string | null,
  answer?: Answer,
): { step: SequenceStep; dueAt: Date } | undefined {
  const targets = branchTargets(sequence);
  const line = sequence.steps.filter((s) => !targets.has(s.key));
  let position = -1;
  let after: Date | undefined;
  for (const f of finished) {
    if (targets.has(f.step)) return undefined; // the one last email has gone
    position = Math.max(position, line.findIndex((s) => s.key === f.step));
    if (!after || f.finishedAt.getTime() > after.getTime()) after = f.finishedAt;
  }
  const asked = line[position]?.branches;
  const key = asked ? (answer ? asked.answers[answer.answer] : asked.unanswered) : line[position + 1]?.key;
  const step = sequence.steps.find((s) => s.key === key);
  if (!step) return undefined;
  const from = asked && answer ? answer.answeredAt : (after ?? startedAt);
  const dueAt = dueTime(from, step.delayDays, {
    timeScale: settings.timeScale,
    window: step.ignoreWindow ? undefined : settings.window,
    timeZone: timeZone ?? settings.defaultTimeZone,
  });
  return { step, dueAt };
}

/**
 * Identifies a definition together with the schedule settings: when it differs from the one the
 * enrollments were last planned with, they are planned again (docs/sequence.md "Changing the sequence").
 */
export function sequenceFingerprint(sequence: SequenceDefinition, settings: ScheduleSettings): string {
  const canonical = JSON.stringify({
    key: sequence.key,
    steps: sequence.steps.map((s) => [s.key, s.delayDays, s.ignoreWindow ?? false, s.branches ?? null]),
    timeScale: settings.timeScale,
    window: settings.window ? [settings.window.startMinute, settings.window.endMinute] : null,
    defaultTimeZone: settings.defaultTimeZone,
  });
  return createHash("sha256").update(canonical).digest("hex");
}
