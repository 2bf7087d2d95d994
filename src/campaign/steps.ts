/**
 * The step keys of the Flare-Up Reset sequence. These strings are part of the contract
 * (the Resend tag `step`, the stats shape): never rename one, only add new ones.
 */
export const STEP_KEYS = [
  "welcome",
  "triggers",
  "positions",
  "mistakes",
  "red-flags",
  // Issue 27: the check-in, then exactly one of the last four (DESIGN.md "The check-in, branches and goals").
  "check-in",
  "check-in-worse",
  "check-in-same",
  "check-in-better",
  "closing",
] as const;
export type StepKey = (typeof STEP_KEYS)[number];

export function isStepKey(value: string): value is StepKey {
  return (STEP_KEYS as readonly string[]).includes(value);
}
