import type { CampaignDeps } from "./advance.js";
import type { SignupBatcher } from "./signup-batcher.js";
import { PENDING_RESEND_GAP_SECONDS, requestOptIn, RETURNING_GAP_SECONDS, type OptInDeps } from "./opt-in.js";
import { signupFields, type SignupMeta } from "./signup-fields.js";
import type { SignupInput } from "./signup-input.js";

export interface SignupDeps extends OptInDeps, Pick<CampaignDeps, "sequence"> {
  /** DOUBLE_OPT_IN: a new address is stored pending and asked to confirm before anything else. */
  doubleOptIn: boolean;
  /** Writes new signups in group commits (one per process, built in deps). */
  signups: SignupBatcher;
}

/**
 * Signs a reader up (DESIGN.md invariant 1): when this resolves, what the signup promises is
 * committed, in one statement whether the address is new or known (src/db/queries/signup.ts says
 * what each gets). The enqueue comes after the answer and may fail: the reconciler enqueues any
 * message without a job. With DOUBLE_OPT_IN the subscriber is stored pending (src/campaign/opt-in.ts).
 */
export async function signUp(deps: SignupDeps, input: SignupInput, meta: SignupMeta): Promise<void> {
  const first = deps.sequence.steps[0];
  if (!first) throw new Error(`sequence ${deps.sequence.key} has no steps`);
  if (deps.doubleOptIn) return requestOptIn(deps, input, meta);
  // Committed (and its message enqueued) in a batch with whatever else arrived meanwhile.
  await deps.signups.submit({
    ...signupFields(input, meta),
    sequence: deps.sequence.key,
    firstStep: first.key,
    pendingGapSeconds: PENDING_RESEND_GAP_SECONDS,
    returningGapSeconds: RETURNING_GAP_SECONDS,
  });
}
