import { enqueueAfterCommit } from "../queue/after-commit.js";
import { insertAnswer } from "../db/queries/check-in.js";
import type { CampaignDeps } from "./advance.js";
import type { CheckInAnswer } from "./links.js";
import { replanInTransaction } from "./replan.js";

export type CheckInDeps = CampaignDeps;

/**
 * recorded: the answer is kept and the enrollment follows it — its waiting email replaced by the
 * one the answer leads to, unless that email is already claimed or sent (the latest answer before
 * the claim wins; exactly one last email). not-a-question: the link's email asks nothing.
 */
export type AnswerOutcome = "recorded" | "not-a-question";

/**
 * Records a person's check-in answer (the answer page's POST, DESIGN.md invariant 9) and re-plans
 * by it in one transaction; the new email is enqueued after commit (else by the reconciler).
 */
export async function recordAnswer(
  deps: CheckInDeps,
  request: { deliveryId: number; answer: CheckInAnswer; ip: string | undefined; userAgent: string | undefined },
): Promise<AnswerOutcome> {
  const asking = deps.sequence.steps.filter((s) => s.branches).map((s) => s.key as string);
  const result = await deps.sql.begin(async (tx) => {
    const email = await insertAnswer(tx, { ...request, userAgent: request.userAgent?.slice(0, 512) }, asking);
    if (!email) return { outcome: "not-a-question" as const, deliveries: [] };
    const replanned = await replanInTransaction(tx, deps, email.enrollmentId);
    return { outcome: "recorded" as const, deliveries: replanned.kind === "rescheduled" ? [replanned.delivery] : [] };
  });
  await enqueueAfterCommit(deps, result.deliveries);
  return result.outcome;
}
