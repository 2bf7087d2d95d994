import type { ComposeSettings } from "./compose.js";
import { composeEmail } from "./compose.js";
import { advanceEnrollments, type AdvanceSettings } from "./advance.js";
import { isStepKey, type StepKey } from "./steps.js";
import type { EmailKindDefinition } from "../outbound/kind.js";

/**
 * The sequence's steps as a kind of message (src/outbound/kind.ts): rendered for the row's due time,
 * batched when many are due; the transaction recording the outcome moves the enrollment on or
 * completes it, a failed step too (docs/operations.md "What each fault does": no stranded reader).
 */
export function stepMessages(settings: AdvanceSettings & { compose: ComposeSettings }): EmailKindDefinition<"step"> {
  return {
    kind: "step",
    channel: "email",
    batchable: true,
    // `obsolete` runs first: the step is one of STEP_KEYS by the time it is composed.
    compose: (m) => composeEmail(settings.compose, m.step as StepKey, { subscriberId: m.subscriberId, email: m.email, firstName: m.firstName }, m.dueAt, m.id),
    // Scheduled before its step left the definition (ahead of the start re-plan, or by a worker on the
    // old one): not sent; the enrollment moves on to what the current definition says comes next.
    obsolete: (m) =>
      isStepKey(m.step) && settings.sequence.steps.some((s) => s.key === m.step)
        ? undefined
        : `step "${m.step}" is not in the sequence (any more)`,
    afterClose(tx, closed, how) {
      const startedAt = new Date();
      return advanceEnrollments(
        tx,
        settings,
        closed.map((m) => ({
          enrollment: { id: m.enrollmentId, timezone: m.timezone, startedAt },
          lastStep: how.counted ? m.step : undefined,
        })),
      );
    },
  };
}
