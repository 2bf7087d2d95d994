import type postgres from "postgres";
import { enqueueAfterCommit } from "../queue/after-commit.js";
import { advanceEnrollment, type CampaignDeps } from "./advance.js";
import {
  insertConsent,
  markActive,
  readSubscriber,
  reopenEnrollment,
  reviveCancelledDeliveries,
  startEnrollment,
  type LockedSubscriber,
} from "../db/queries/activation.js";
import type { ScheduledDelivery } from "../db/queries/deliveries.js";
import { CONFIRM_CONSENT, RESUBSCRIBE_CONSENT } from "./wording.js";

export type ActivationDeps = CampaignDeps;

export interface ActivationRequest {
  subscriberId: string;
  /** confirm: the double opt-in link. resubscribe: the undo on the unsubscribe page. */
  via: "confirm" | "resubscribe";
  ip: string | undefined;
  userAgent: string | undefined;
}

/**
 * activated: the sequence starts (welcome first) or resumes. already: nothing to do. suppressed: a
 * hard bounce or complaint, only an admin lifts it. gone: purged or erased. not-requested: a
 * confirm link of an address that left and has not asked to come back since.
 */
export type ActivationOutcome = "activated" | "already" | "suppressed" | "gone" | "not-requested";

/**
 * (Re)activates a subscriber in one transaction: status, a consent record (time, IP, user agent)
 * and the sequence, started as a plain signup does (enrollment + welcome due now) or resumed.
 * Resuming restarts nothing sent: the steps cancelled on leaving are revived (they never reached
 * the provider), or the planner names the next. The locked subscriber row gives two clicks at once
 * one outcome; the enqueue follows the commit (the reconciler covers a failed one).
 */
export async function activate(deps: ActivationDeps, request: ActivationRequest): Promise<ActivationOutcome> {
  const result = await deps.sql.begin(async (tx) => {
    const subscriber = await readSubscriber(tx, request.subscriberId, true);
    const refusal = refuse(subscriber, request.via);
    if (refusal || !subscriber) return { outcome: refusal ?? "gone", deliveries: [] as ScheduledDelivery[] };
    const consent = request.via === "confirm" ? CONFIRM_CONSENT : RESUBSCRIBE_CONSENT;
    await markActive(tx, subscriber.id, request.via === "confirm");
    await insertConsent(tx, { ...consent, subscriberId: subscriber.id, ip: request.ip, userAgent: request.userAgent?.slice(0, 512) });
    return { outcome: "activated" as const, deliveries: await startOrResume(deps, tx, subscriber) };
  });
  await enqueueAfterCommit(deps, result.deliveries);
  return result.outcome;
}

/**
 * What activating would answer now, changing nothing: the page a confirm link's GET shows (the
 * POST then decides under the lock). Undefined: it would activate.
 */
export async function activationOutlook(
  deps: Pick<ActivationDeps, "sql">,
  request: Pick<ActivationRequest, "subscriberId" | "via">,
): Promise<ActivationOutcome | undefined> {
  return refuse(await readSubscriber(deps.sql, request.subscriberId), request.via);
}

function refuse(s: LockedSubscriber | undefined, via: ActivationRequest["via"]): ActivationOutcome | undefined {
  if (!s || s.erasedAt) return "gone";
  if (s.status === "active") return "already";
  if (s.status === "bounced" || s.status === "complained") return "suppressed";
  if (via === "confirm" && s.status === "unsubscribed") {
    // An old confirm link must not undo a later unsubscribe: only a request made after leaving counts.
    const askedAgain = s.confirmationRequestedAt && (!s.leftAt || s.confirmationRequestedAt > s.leftAt);
    if (!askedAgain) return "not-requested";
  }
  return undefined;
}

async function startOrResume(
  deps: ActivationDeps,
  tx: postgres.TransactionSql,
  s: LockedSubscriber,
): Promise<ScheduledDelivery[]> {
  const first = deps.sequence.steps[0];
  if (!first) throw new Error(`sequence ${deps.sequence.key} has no steps`);
  const started = await startEnrollment(tx, s.id, deps.sequence.key, first.key);
  if (started) return [started];

  const reopened = await reopenEnrollment(tx, s.id, deps.sequence.key);
  // Completed (the series is over) or still active: nothing to restart.
  if (!reopened) return [];
  const revived = await reviveCancelledDeliveries(tx, reopened.id);
  if (revived.length > 0) return revived;
  // The reader left while a step was in flight, so no later step was scheduled: the planner
  // names the next step (due at once if its moment has passed), or ends the enrollment.
  const next = await advanceEnrollment(
    tx,
    deps,
    { id: reopened.id, timezone: s.timezone, startedAt: reopened.createdAt },
    undefined,
  );
  return next ? [next] : [];
}
