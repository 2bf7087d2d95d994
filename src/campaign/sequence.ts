import type { CheckInAnswer } from "./links.js";
import type { StepKey } from "./steps.js";

/**
 * The Flare-Up Reset sequence as data: what comes next, and when, is planNext's (plan.ts), with
 * branches. Edit the steps here (docs/sequence.md "Changing the sequence"); a new step key also
 * needs its template (STEP_KEYS in steps.ts, a row in src/mail/render.ts).
 */
export interface SequenceStep {
  key: StepKey;
  delayDays: number;
  /** Due at its moment even outside SEND_WINDOW (the email after a "worse" answer goes at once). */
  ignoreWindow?: boolean;
  /** The step asks the check-in's question: where each answer leads, and where no answer does. */
  branches?: { answers: Record<CheckInAnswer, StepKey>; unanswered: StepKey };
}

export interface SequenceDefinition {
  key: string;
  steps: readonly SequenceStep[];
}

export const FLARE_UP_RESET: SequenceDefinition = {
  key: "flare-up-reset",
  steps: [
    { key: "welcome", delayDays: 0 },
    { key: "triggers", delayDays: 1 },
    { key: "positions", delayDays: 2 },
    { key: "mistakes", delayDays: 2 },
    { key: "red-flags", delayDays: 2 },
    {
      key: "check-in",
      delayDays: 3,
      branches: { answers: { worse: "check-in-worse", same: "check-in-same", better: "check-in-better" }, unanswered: "closing" },
    },
    // After "worse": the emergency signs and same-day care, at once — never held for the send window.
    { key: "check-in-worse", delayDays: 0, ignoreWindow: true },
    { key: "check-in-same", delayDays: 1 },
    { key: "check-in-better", delayDays: 1 },
    // Four days after the check-in, when no answer came.
    { key: "closing", delayDays: 4 },
  ],
};

/** The steps some branch leads to: reached only through it, and the last a reader gets. */
export function branchTargets(sequence: SequenceDefinition): Set<string> {
  const targets = new Set<string>();
  for (const step of sequence.steps) {
    if (!step.branches) continue;
    for (const target of Object.values(step.branches.answers)) targets.add(target);
    targets.add(step.branches.unanswered);
  }
  return targets;
}

/**
 * A definition the planner can follow: at least one step, each key once, no negative delay, and
 * every branch leading to a step of the definition that is not itself a question.
 */
export function assertValidSequence(sequence: SequenceDefinition): void {
  if (sequence.steps.length === 0) throw new Error(`sequence ${sequence.key} has no steps`);
  const seen = new Set<string>();
  for (const step of sequence.steps) {
    if (seen.has(step.key)) throw new Error(`sequence ${sequence.key} has step "${step.key}" twice`);
    if (!Number.isFinite(step.delayDays) || step.delayDays < 0) {
      throw new Error(`sequence ${sequence.key}: step "${step.key}" needs a delay of 0 days or more`);
    }
    seen.add(step.key);
  }
  for (const target of branchTargets(sequence)) {
    const step = sequence.steps.find((s) => s.key === target);
    if (!step) throw new Error(`sequence ${sequence.key}: a branch leads to "${target}", which is not a step`);
    if (step.branches) throw new Error(`sequence ${sequence.key}: "${target}" is reached by a branch and cannot ask a question itself`);
  }
}
