import type postgres from "postgres";
import type { Logger } from "../logger.js";
import type { Transport } from "../mail/transport.js";
import type { Queues } from "../queue/queues.js";
import {
  claimDelivery,
  discardClaimedDelivery,
  finishDeliveries,
  oldestDueDelivery,
  releaseDelivery,
  type ClaimedDelivery,
  type DeliveryResult,
  type ScheduledDelivery,
} from "../db/queries/deliveries.js";
import { dissolveBatch, formBatch, reclaimBatch, releaseBatch } from "../db/queries/batches.js";
import { advanceEnrollments } from "./advance.js";
import { dueWithinHorizon } from "./queue-horizon.js";
import { composeEmail, type ComposeSettings } from "./compose.js";
import type { ScheduleSettings } from "./plan.js";
import type { SequenceDefinition } from "./sequence.js";
import { isStepKey, type StepKey } from "./steps.js";

export interface DeliverDeps {
  sql: postgres.Sql;
  transport: Transport;
  queues: Pick<Queues, "enqueueDeliveries" | "removeDeliveryJobs">;
  /** Emails per provider request when several are due (Resend's batch endpoint takes 100); 1 = never batch. */
  batchSize: number;
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
    // A batch member whose job ran while another job held its batch: look again shortly — by
    // then the batch is sent (nothing to do), or was refused and dissolved (then it goes alone).
    // Completing the job instead could race the dissolve's re-enqueue and strand the row.
    if (claim.state === "busy" && claim.inBatch) {
      return { kind: "later", at: new Date(Date.now() + BATCH_RECHECK_MS), reason: "held in another delivery's batch" };
    }
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
    await closeSteps(deps, [delivery], async (tx) => new Set((await discardClaimedDelivery(tx, delivery.id)) ? [delivery.id] : []), {
      stepDone: false,
    });
    return { kind: "skipped", reason: `step "${step}" is not in the sequence (any more)` };
  }

  // A batch is formed only around a delivery claimed for the first time (attempts is 1 after
  // this claim): one already tried alone — its answer maybe lost — must be retried under its own
  // key, never inside a batch under another.
  const firstTry = delivery.attempts === 1 && !delivery.noBatch;
  if (deps.transport.sendBatch && deps.batchSize > 1 && (delivery.batchKey !== null || firstTry)) {
    const batch = delivery.batchKey
      ? { key: delivery.batchKey, members: await reclaimBatch(deps.sql, delivery) }
      : await formBatch(deps.sql, delivery, { limit: deps.batchSize - 1, steps: deps.sequence.steps.map((s) => s.key) });
    // A full batch may have left due rows behind, and most have no job of their own (a signup
    // batch enqueues one per batch's worth of rows): the oldest one left gets one now, so the
    // next batch forms while this one is sent.
    if (!delivery.batchKey && batch.members.length >= deps.batchSize) await handOn(deps);
    // Once in a batch, always under its key — even if it is the last member left to send.
    if (batch.key) return deliverBatch(deps, batch.key, delivery.id, batch.members, options);
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
    await closeWith(deps, [delivery], [{ id: delivery.id, messageId: result.messageId }]);
    return { kind: "sent", messageId: result.messageId };
  }
  if (result.kind === "permanent" || (result.kind === "retryable" && options.finalAttempt)) {
    // A failed step does not strand the reader: the sequence goes on with the next one
    // (README "The sequence": what each fault does).
    await closeWith(deps, [delivery], [{ id: delivery.id, error: result.message }]);
    return { kind: "failed", message: result.message };
  }
  await releaseDelivery(deps.sql, delivery.id, result.message);
  if (result.kind === "rateLimited") return { kind: "rateLimited", retryAfterMs: result.retryAfterMs, message: result.message };
  return { kind: "retry", message: result.message };
}

/**
 * Many due emails, one provider request (DESIGN.md invariant 5): the members were claimed and
 * recorded under `key` before this call, so whatever fails, a retry sends the same members
 * under the same key.
 */
async function deliverBatch(
  deps: DeliverDeps,
  key: string,
  leaderId: number,
  members: ClaimedDelivery[],
  options: { finalAttempt: boolean },
): Promise<DeliveryOutcome> {
  // The other members' own jobs would each spend a turn of the rate limiter for nothing.
  const others = members.filter((m) => m.id !== leaderId);
  await deps.queues.removeDeliveryJobs(others.map((m) => m.id)).catch(() => undefined);
  if (!members.every((m) => isStepKey(m.step))) {
    await dissolveBatch(deps.sql, key, "a member's step is not in the sequence");
    return { kind: "later", at: new Date(), reason: "batch dissolved" };
  }
  const emails = await Promise.all(
    members.map((m) =>
      composeEmail(deps.compose, m.step as StepKey, { subscriberId: m.subscriberId, email: m.email, firstName: m.firstName }, m.dueAt),
    ),
  );
  const started = performance.now();
  const result = await deps.transport.sendBatch!(emails, key);
  deps.logger.debug({ batch: key, size: members.length, ok: result.ok, ms: Math.round(performance.now() - started) }, "provider batch call");

  if (result.ok) {
    await closeWith(
      deps,
      members,
      members.map((m, i) => ({ id: m.id, messageId: result.messageIds[i]! })),
    );
    return { kind: "sent", messageId: result.messageIds[members.findIndex((m) => m.id === leaderId)]! };
  }
  if (result.kind === "permanent" && result.message.includes("invalid_idempotent_request")) {
    // Our key was already used for another payload: what went out under it is unknown, so
    // regrouping could send twice. The members fail, visibly, with the provider's word.
    await closeWith(
      deps,
      members,
      members.map((m) => ({ id: m.id, error: result.message })),
    );
    return { kind: "failed", message: result.message };
  }
  if (result.kind === "permanent") {
    // The batch itself was refused and nothing went out: each member goes alone (no_batch).
    const singles = await dissolveBatch(deps.sql, key, result.message);
    await enqueueQuietly(deps, singles.filter((d) => d.id !== leaderId));
    return { kind: "later", at: new Date(), reason: `batch refused, sending one by one: ${result.message}` };
  }
  if (result.kind === "retryable" && options.finalAttempt) {
    await closeWith(
      deps,
      members,
      members.map((m) => ({ id: m.id, error: result.message })),
    );
    return { kind: "failed", message: result.message };
  }
  await releaseBatch(deps.sql, key, result.message);
  if (result.kind === "rateLimited") return { kind: "rateLimited", retryAfterMs: result.retryAfterMs, message: result.message };
  return { kind: "retry", message: result.message };
}

const BATCH_RECHECK_MS = 2000;

/** Attempts at committing a step's outcome, and the pause before each retry. */
const COMMIT_RETRY_MS = [100, 300, 700, 1500, 3000];

/** Records each member's result (sent or failed) and moves its enrollment on: see closeSteps. */
async function closeWith(deps: DeliverDeps, members: ClaimedDelivery[], results: DeliveryResult[]): Promise<void> {
  await closeSteps(deps, members, (tx) => finishDeliveries(tx, results), { stepDone: true });
}

/**
 * Closes claimed steps in ONE transaction — `finish` records the outcome and returns the rows
 * that were still ours; for those the next step is scheduled (or the enrollment completed) —
 * then enqueues the next steps' jobs after the commit. A whole batch costs a handful of
 * statements, not a few per member. `stepDone`: the member's step counts as the last one the
 * reader got (false for a row discarded unsent). Only next steps due within the queue's horizon
 * are enqueued here; the reconciler adds the rest as they come due.
 *
 * After the provider accepted, the commit is retried for a few seconds before giving up: a
 * dropped connection (a Postgres restart or failover) costs a moment, not the claim's lease. The
 * retry is safe: `finish` only changes a row still in "sending", so if a first commit went
 * through unseen the retry changes nothing and schedules nothing (the reconciler enqueues the
 * row that commit created). If Postgres stays away the error reaches the job, which retries; the
 * claim expires after the lease and the resend goes out under the same idempotency key: a replay.
 */
async function closeSteps(
  deps: DeliverDeps,
  members: ClaimedDelivery[],
  finish: (tx: postgres.TransactionSql) => Promise<Set<number>>,
  options: { stepDone: boolean },
): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      const next = await deps.sql.begin(async (tx) => {
        const ours = await finish(tx);
        const startedAt = new Date();
        return advanceEnrollments(
          tx,
          deps,
          members
            .filter((m) => ours.has(m.id))
            .map((m) => ({
              enrollment: { id: m.enrollmentId, timezone: m.timezone, startedAt },
              lastStep: options.stepDone ? m.step : undefined,
            })),
        );
      });
      // A step due days away gets its job from the reconciler as it comes due (queue-horizon.ts).
      await enqueueQuietly(deps, dueWithinHorizon(next));
      return;
    } catch (error) {
      const pause = COMMIT_RETRY_MS[attempt];
      if (pause === undefined) throw error;
      deps.logger.warn({ deliveryId: members[0]?.id, err: (error as Error).message }, "commit failed; retrying");
      await new Promise((resolve) => setTimeout(resolve, pause));
    }
  }
}

/** Enqueues the oldest due row that can lead a batch (a no-op if it has its job already). */
async function handOn(deps: DeliverDeps): Promise<void> {
  const next = await oldestDueDelivery(deps.sql);
  if (next) await enqueueQuietly(deps, [next]);
}

/** The rows are committed; if the queue is down the reconciler will enqueue them. */
async function enqueueQuietly(deps: DeliverDeps, deliveries: ScheduledDelivery[]): Promise<void> {
  if (deliveries.length === 0) return;
  try {
    await deps.queues.enqueueDeliveries(deliveries);
  } catch (error) {
    deps.logger.warn({ deliveries: deliveries.length, err: error }, "enqueue failed; the reconciler will pick them up");
  }
}
