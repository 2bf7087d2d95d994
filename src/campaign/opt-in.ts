import { enqueueAfterCommit } from "../queue/after-commit.js";
import { requestConfirmation } from "../db/queries/confirmations.js";
import type { CampaignDeps } from "./advance.js";
import { signupFields, type SignupMeta } from "./signup-fields.js";
import type { SignupInput } from "./signup-input.js";

export type OptInDeps = Pick<CampaignDeps, "sql" | "queues" | "logger">;

/** A pending address that asks again gets the confirmation again, at most this often. */
export const PENDING_RESEND_GAP_SECONDS = 10 * 60;
/**
 * An address that unsubscribed and is typed into the form again gets one confirmation a day at
 * most: whoever typed it may not be its owner, and the owner said "stop".
 */
export const RETURNING_GAP_SECONDS = 24 * 3600;

/**
 * Asks an address to confirm by email (double opt-in): a new address is stored as pending; a
 * known one is handled as requestConfirmation says. Like signup, the rows are committed before
 * this resolves and the enqueue after the commit may fail: the reconciler enqueues what has no job.
 */
export async function requestOptIn(deps: OptInDeps, input: SignupInput, meta: SignupMeta): Promise<void> {
  const rows = await requestConfirmation(deps.sql, {
    ...signupFields(input, meta),
    pendingGapSeconds: PENDING_RESEND_GAP_SECONDS,
    returningGapSeconds: RETURNING_GAP_SECONDS,
  });
  await enqueueAfterCommit(deps, rows);
}
