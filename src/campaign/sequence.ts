import type { StepKey } from "./steps.js";

/**
 * The Flare-Up Reset sequence as data. Each step waits `delayDays` after the previous step was
 * sent. Add, remove or re-time steps here; see README "Changing the sequence" for what happens
 * to subscribers already on their way.
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

/** The step after `sentKeys` (the steps already sent), or undefined when none is left. */
export function nextStep(sequence: SequenceDefinition, sentKeys: ReadonlySet<string>): SequenceStep | undefined {
  return sequence.steps.find((s) => !sentKeys.has(s.key));
}
