import type postgres from "postgres";
import type { Logger } from "../logger.js";
import type { Transport } from "../mail/transport.js";
import type { Queues } from "../queue/queues.js";
import {
  claimDelivery,
  discardClaimedDelivery,
  failDelivery,
  markDeliverySent,
  releaseDelivery,
  type ClaimedDelivery,
  type ScheduledDelivery,
} from "../db/queries/deliveries.js";
import { advanceEnrollment } from "./advance.js";
import { composeEmail, type ComposeSettings } from "./compose.js";
import type { ScheduleSettings } from "./plan.js";
import type { SequenceDefinition } from "./sequence.js";
import { isStepKey } from "./steps.js";

export interface DeliverDeps {
  sql: postgres.Sql;
  transport: Transport;
  queues: Pick<Queues, "enqueueDeliveries">;
  logger: Logger;
  compose: ComposeSettings;
  sequence: SequenceDefinition;
  schedule: ScheduleSettings;
  /** How long a claim protects a delivery from a second worker (longer than any provider call). */
  leaseSeconds: number;
}

/** What happened to one delivery; the worker maps it onto BullMQ (retry, rate limit, delay). */
export type DeliveryOutcome =
  | { kind: "sent"; messageId: string }
  | { kind: "skipped"; reason: string }
  | { kind: "later"; at: Date; reason: string }
  | { kind: "retry"; message: string }
  | { kind: "rateLimited"; retryAfterMs: number; message: string }
  | { kind: "failed"; message: string };

export async function deliver(
  deps: DeliverDeps,
  deliveryId: number,
  options: { finalAttempt: boolean },
): Promise<DeliveryOutcome> {
  const claim = await claimDelivery(deps.sql, deliveryId, deps.leaseSeconds);
  if (!claim.claimed) {
    if (claim.state === "busy") return { kind: "later", at: claim.until, reason: "claimed by another worker" };
    if (claim.state === "notDue") return { kind: "later", at: claim.dueAt, reason: "not due yet" };
    return { kind: "skipped", reason: `delivery is ${claim.state}` };
  }
  const delivery = claim.claimed;
  if (delivery.state === "cancelled") return { kind: "skipped", reason: "subscriber left or enrollment ended" };
  const step = delivery.step;
  if (!isStepKey(step) || !deps.sequence.steps.some((s) => s.key === step)) {
    // Scheduled before its step was removed from the definition (and before the re-plan at
    // start reached it, or by a worker still running the old definition): not sent; the
    // enrollment moves on to what the current definition says comes next.
    await closeStep(deps, delivery, async (tx) => discardClaimedDelivery(tx, delivery.id), undefined);
    return { kind: "skipped", reason: `step "${step}" is not in the sequence (any more)` };
  }

  const email = await composeEmail(
    deps.compose,
    step,
    { subscriberId: delivery.subscriberId, email: delivery.email, firstName: delivery.firstName },
    delivery.dueAt,
  );
  const started = performance.now();
  const result = await deps.transport.send(email);
  deps.logger.debug(
    { deliveryId: delivery.id, step, ok: result.ok, ms: Math.round(performance.now() - started) },
    "provider call",
  );

  if (result.ok) {
    await closeStep(deps, delivery, (tx) => markDeliverySent(tx, delivery.id, result.messageId), step);
    return { kind: "sent", messageId: result.messageId };
  }
  if (result.kind === "permanent" || (result.kind === "retryable" && options.finalAttempt)) {
    // A failed step does not strand the reader: the sequence goes on with the next one
    // (README "The sequence": what each fault does).
    await closeStep(deps, delivery, (tx) => failDelivery(tx, delivery.id, result.message), step);
    return { kind: "failed", message: result.message };
  }
  await releaseDelivery(deps.sql, delivery.id, result.message);
  if (result.kind === "rateLimited") return { kind: "rateLimited", retryAfterMs: result.retryAfterMs, message: result.message };
  return { kind: "retry", message: result.message };
}

/** Attempts at committing a step's outcome, and the pause before each retry. */
const COMMIT_RETRY_MS = [100, 300, 700, 1500, 3000];

/**
 * Closes a claimed step in ONE transaction — `finish` records the outcome, and if the row was
 * still ours the next step is scheduled (or the enrollment completed) — then enqueues the next
 * step's job after the commit.
 *
 * After the provider accepted, the commit is retried for a few seconds before giving up: a
 * dropped connection (a Postgres restart or failover) costs a moment, not the claim's lease. The
 * retry is safe: `finish` only changes a row still in "sending", so if a first commit went
 * through unseen the retry changes nothing and schedules nothing (the reconciler enqueues the
 * row that commit created). If Postgres stays away the error reaches the job, which retries; the
 * claim expires after the lease and the resend goes out under the same idempotency key: a replay.
 */
async function closeStep(
  deps: DeliverDeps,
  delivery: ClaimedDelivery,
  finish: (tx: postgres.TransactionSql) => Promise<boolean>,
  lastStep: string | undefined,
): Promise<void> {
  const enrollment = { id: delivery.enrollmentId, timezone: delivery.timezone, startedAt: new Date() };
  for (let attempt = 0; ; attempt++) {
    try {
      const next = await deps.sql.begin(async (tx) =>
        (await finish(tx)) ? advanceEnrollment(tx, deps, enrollment, lastStep) : undefined,
      );
      if (next) await enqueueQuietly(deps, next);
      return;
    } catch (error) {
      const pause = COMMIT_RETRY_MS[attempt];
      if (pause === undefined) throw error;
      deps.logger.warn({ deliveryId: delivery.id, err: (error as Error).message }, "commit failed; retrying");
      await new Promise((resolve) => setTimeout(resolve, pause));
    }
  }
}

/** The row is committed; if the queue is down the reconciler will enqueue it. */
async function enqueueQuietly(deps: DeliverDeps, delivery: ScheduledDelivery): Promise<void> {
  try {
    await deps.queues.enqueueDeliveries([delivery]);
  } catch (error) {
    deps.logger.warn({ deliveryId: delivery.id, err: error }, "enqueue failed; the reconciler will pick it up");
  }
}
