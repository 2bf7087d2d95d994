import type postgres from "postgres";
import type { Logger } from "../logger.js";
import type { Transport } from "../mail/transport.js";
import type { Queues } from "../queue/queues.js";
import {
  claimDelivery,
  completeEnrollment,
  failDelivery,
  markDeliverySent,
  releaseDelivery,
  scheduleNextDelivery,
  stepsOfEnrollment,
  type ScheduledDelivery,
} from "../db/queries/deliveries.js";
import { composeEmail, type ComposeSettings } from "./compose.js";
import { dueTime, type SendWindow } from "./schedule.js";
import { nextStep, type SequenceDefinition } from "./sequence.js";
import { isStepKey } from "./steps.js";

export interface DeliverDeps {
  sql: postgres.Sql;
  transport: Transport;
  queues: Pick<Queues, "enqueueDeliveries">;
  logger: Logger;
  compose: ComposeSettings;
  sequence: SequenceDefinition;
  schedule: { timeScale: number; window: SendWindow | undefined; defaultTimeZone: string };
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
  if (!isStepKey(delivery.step)) {
    await failDelivery(deps.sql, delivery.id, `unknown step "${delivery.step}"`);
    return { kind: "failed", message: `unknown step "${delivery.step}"` };
  }

  const email = await composeEmail(
    deps.compose,
    delivery.step,
    { subscriberId: delivery.subscriberId, email: delivery.email, firstName: delivery.firstName },
    delivery.dueAt,
  );
  const started = performance.now();
  const result = await deps.transport.send(email);
  deps.logger.debug(
    { deliveryId: delivery.id, step: delivery.step, ok: result.ok, ms: Math.round(performance.now() - started) },
    "provider call",
  );

  if (result.ok) {
    const next = await deps.sql.begin(async (tx) => {
      if (!(await markDeliverySent(tx, delivery.id, result.messageId))) return undefined;
      return scheduleFollowing(deps, tx, delivery.enrollmentId, delivery.subscriberId, delivery.step, delivery.timezone);
    });
    if (next) await enqueueQuietly(deps, next);
    return { kind: "sent", messageId: result.messageId };
  }
  if (result.kind === "permanent" || (result.kind === "retryable" && options.finalAttempt)) {
    await deps.sql.begin(async (tx) => {
      await failDelivery(tx, delivery.id, result.message);
      // A failed step does not strand the reader: the sequence goes on with the next one.
      return scheduleFollowing(deps, tx, delivery.enrollmentId, delivery.subscriberId, delivery.step, delivery.timezone);
    }).then((next) => (next ? enqueueQuietly(deps, next) : undefined));
    return { kind: "failed", message: result.message };
  }
  await releaseDelivery(deps.sql, delivery.id, result.message);
  if (result.kind === "rateLimited") return { kind: "rateLimited", retryAfterMs: result.retryAfterMs, message: result.message };
  return { kind: "retry", message: result.message };
}

/** Inside the transaction that closes a step: the next step's row, or the enrollment's end. */
async function scheduleFollowing(
  deps: DeliverDeps,
  tx: postgres.TransactionSql,
  enrollmentId: number,
  subscriberId: string,
  doneStep: string,
  timezone: string | null,
): Promise<ScheduledDelivery | undefined> {
  const step = nextStep(deps.sequence, await stepsOfEnrollment(tx, enrollmentId));
  if (!step) {
    await completeEnrollment(tx, enrollmentId, doneStep);
    return undefined;
  }
  const dueAt = dueTime(new Date(), step.delayDays, {
    timeScale: deps.schedule.timeScale,
    window: deps.schedule.window,
    timeZone: timezone ?? deps.schedule.defaultTimeZone,
  });
  return scheduleNextDelivery(tx, enrollmentId, subscriberId, step.key, dueAt, doneStep);
}

/** The row is committed; if the queue is down the reconciler will enqueue it. */
async function enqueueQuietly(deps: DeliverDeps, delivery: ScheduledDelivery): Promise<void> {
  try {
    await deps.queues.enqueueDeliveries([delivery]);
  } catch (error) {
    deps.logger.warn({ deliveryId: delivery.id, err: error }, "enqueue failed; the reconciler will pick it up");
  }
}
