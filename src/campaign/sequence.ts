import type { StepKey } from "./steps.js";

/**
 * The Flare-Up Reset sequence as data. Each step waits `delayDays` after the previous step was
 * sent (divided by SEQUENCE_TIME_SCALE, then moved into SEND_WINDOW in the subscriber's zone).
 * Add, remove, re-order or re-time steps here; a new step key also needs its template (STEP_KEYS
 * in steps.ts, a row in src/mail/render.ts). What comes next is decided by planNext (plan.ts);
 * README "Changing the sequence" says what happens to subscribers already on their way.
 */
export interface SequenceStep {
  key: StepKey;
  delayDays: number;
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
  ],
};

/** A definition the planner can follow: at least one step, each key once, no negative delay. */
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
}
