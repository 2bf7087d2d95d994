import type postgres from "postgres";
import type { Logger } from "../logger.js";
import type { Transport } from "../mail/transport.js";
import type { Queues } from "../queue/queues.js";
import { enqueueAfterCommit } from "../queue/after-commit.js";
import {
  claimDeliveries,
  claimDelivery,
  deferDelivery,
  discardClaimedDelivery,
  finishDeliveries,
  followingCalls,
  oldestDueDelivery,
  releaseDelivery,
  unclaimDeliveries,
  type ClaimedMessage,
  type DeliveryResult,
  type ScheduledDelivery,
} from "../db/queries/deliveries.js";
import { dissolveBatch, formBatch, reclaimBatch, releaseBatch } from "../db/queries/batches.js";
import type { MessageKind } from "../db/schema/deliveries.js";
import type { CallKindDefinition, MessageKindDefinition, MessageKinds, Turn } from "./kind.js";
import type { SendOutcome } from "./outcome.js";
import { CloseBatch } from "./close-batch.js";

export interface SendDeps {
  sql: postgres.Sql;
  transport: Transport;
  queues: Pick<Queues, "enqueueDeliveries" | "removeDeliveryJobs">;
  logger: Logger;
  /** What each kind of message is (src/deps.ts `messageKinds`). */
  kinds: MessageKinds;
  /** Emails per provider request when several are due (Resend's batch endpoint takes 100); 1 = never batch. */
  batchSize: number;
  /** The steps the running sequence knows: a batch never picks a step it would not send. */
  steps: string[];
  /** How long a claim protects a message from a second worker (longer than any provider call). */
  leaseSeconds: number;
  /** The worker's calls' outcomes, recorded together (callCloseBatch below). */
  callCloses: CloseBatch<ClaimedMessage, DeliveryResult>;
}

/** What recording an outcome needs. */
type CloseDeps = Pick<SendDeps, "sql" | "queues" | "logger" | "kinds">;

/**
 * A call's outcome is recorded within this long, with the others made meanwhile by this worker:
 * at 50 calls a second to each of two endpoints, about ten a statement. A worker killed meanwhile
 * leaves them claimed; they are made again after the lease, under the same webhook-id, which
 * receivers dedupe on.
 */
const CALL_CLOSE_WINDOW_MS = 100;
const CALL_CLOSE_MAX = 100;

/** The batch SendDeps.callCloses is: one per worker process, recording through `deps`. */
export function callCloseBatch(deps: CloseDeps): CloseBatch<ClaimedMessage, DeliveryResult> {
  return new CloseBatch((members, results) => closeWith(deps, members, results), CALL_CLOSE_WINDOW_MS, CALL_CLOSE_MAX);
}

/**
 * Sends one message of any kind — the one way out (DESIGN.md invariants 2–5): claim the row
 * (re-checking its recipient still qualifies), gather due rows into a batch when its kind allows,
 * render, call the provider under the row's (or the batch's) idempotency key, and record the
 * outcome with whatever the kind changes alongside, in one transaction. The outcome tells the
 * worker what to do with the job (src/outbound/outcome.ts).
 */
export async function sendMessage(
  deps: SendDeps,
  id: number,
  options: {
    finalAttempt: boolean;
    /** A call leading a run: its group ends before this id (src/queue/jobs.ts `sendJobSchema`). */
    runUntil?: number;
  },
): Promise<SendOutcome> {
  const claim = await claimDelivery(deps.sql, id, deps.leaseSeconds);
  if (!claim.claimed) {
    // A batch member whose job ran while another job held its batch: look again shortly — by
    // then the batch is sent (nothing to do), or was refused and dissolved (then it goes alone).
    // Completing the job instead could race the dissolve's re-enqueue and strand the row. So for
    // a call another call's run holds: by then it is made, or rescheduled (and a replay of it
    // is not held up by this job waiting out the claim's lease).
    if (claim.state === "busy" && (claim.inBatch || deps.kinds[claim.kind].channel === "call")) {
      return { kind: "later", at: new Date(Date.now() + BATCH_RECHECK_MS), reason: "held in another message's batch or run" };
    }
    if (claim.state === "busy") return { kind: "later", at: claim.until, reason: "claimed by another worker" };
    if (claim.state === "notDue") return { kind: "later", at: claim.dueAt, reason: "not due yet" };
    return { kind: "skipped", reason: `message is ${claim.state}` };
  }
  return sendClaimed(deps, claim.claimed, options);
}

/** A message this worker holds the claim of (its own job's, or one a run claimed for itself). */
async function sendClaimed(
  deps: SendDeps,
  message: ClaimedMessage,
  options: {
    finalAttempt: boolean;
    /** Made inside another call's run (never leading one): with the receiver's turn taken. */
    inRun?: RunCall;
    runUntil?: number;
  },
): Promise<SendOutcome> {
  if (message.state === "cancelled") return { kind: "skipped", reason: `the recipient no longer qualifies for this ${message.kind}` };
  const kind = kindOf(deps, message);
  const obsolete = kind.obsolete?.(message);
  if (obsolete) {
    await closeMessages(deps, [message], async (tx) => new Set((await discardClaimedDelivery(tx, message.id)) ? [message.id] : []), {
      counted: false,
    });
    return { kind: "skipped", reason: obsolete };
  }
  if (kind.channel === "call") {
    // A run forms only around a first try whose job names its group (the expansion's runUntil),
    // as a batch forms around a first try: a retry, or a call the reconciler enqueued, goes alone.
    const run = options.inRun || message.attempts > 1 ? undefined : kind.run;
    if (run && options.runUntil && message.endpointId !== null) return callRun(deps, kind, { ...run, until: options.runUntil }, message);
    return callOnce(deps, kind, message, options.inRun ?? {});
  }

  // A batch is formed only around a message claimed for the first time (attempts is 1 after
  // this claim): one already tried alone — its answer maybe lost — must be retried under its own
  // key, never inside a batch under another.
  const firstTry = message.attempts === 1 && !message.noBatch;
  if (kind.batchable && deps.transport.sendBatch && deps.batchSize > 1 && (message.batchKey !== null || firstTry)) {
    const batch = message.batchKey
      ? { key: message.batchKey, members: await reclaimBatch(deps.sql, message) }
      : await formBatch(deps.sql, message, { limit: deps.batchSize - 1, kinds: batchableKinds(deps), steps: deps.steps });
    // A full batch may have left due rows behind, and most have no job of their own (a signup
    // batch enqueues one per batch's worth of rows): the oldest one left gets one now, so the
    // next batch forms while this one is sent.
    if (!message.batchKey && batch.members.length >= deps.batchSize) await handOn(deps);
    // Once in a batch, always under its key — even if it is the last member left to send.
    if (batch.key) return sendBatch(deps, batch.key, message.id, batch.members, options);
  }

  const email = await kind.compose(message as never);
  const started = performance.now();
  const result = await deps.transport.send(email);
  deps.logger.debug(
    { deliveryId: message.id, kind: message.kind, ok: result.ok, ms: Math.round(performance.now() - started) },
    "provider call",
  );

  if (result.ok) {
    await closeWith(deps, [message], [{ id: message.id, messageId: result.messageId }]);
    return { kind: "sent", messageId: result.messageId };
  }
  if (result.kind === "permanent" || (result.kind === "retryable" && options.finalAttempt)) {
    // A failed step does not strand the reader: the sequence goes on with the next one
    // (docs/operations.md "What each fault does").
    await closeWith(deps, [message], [{ id: message.id, error: result.message }]);
    return { kind: "failed", message: result.message };
  }
  await releaseDelivery(deps.sql, message.id, result.message);
  if (result.kind === "rateLimited") return { kind: "rateLimited", retryAfterMs: result.retryAfterMs, message: result.message };
  return { kind: "retry", message: result.message };
}

/**
 * How a call in a run is made: with the receiver's turn its lane took, and its outcome recorded
 * with the worker's others (`record`), after which the run's job ends.
 */
interface RunCall {
  turn?: Turn;
  /** Hands the outcome to be recorded with others (the run awaits it before its job ends). */
  record?: (message: ClaimedMessage, result: DeliveryResult) => void;
}

/**
 * A message its kind delivers itself (an outgoing webhook call): the kind makes the call and
 * says how it went; recording it — with the attempt's line in the call's log, in the same
 * statement — is the pipeline's, as for an email. A retry is the row
 * rescheduled (the kind's schedule, not the queue's backoff), its job delayed until then.
 */
async function callOnce(deps: SendDeps, kind: CallKindDefinition, message: ClaimedMessage, inRun: RunCall): Promise<SendOutcome> {
  const result = await kind.call(message as never, inRun.turn);
  const line = result.line ? { line: result.line } : {};
  const close = async (closed: DeliveryResult) => (inRun.record ? inRun.record(message, closed) : closeWith(deps, [message], [closed]));
  switch (result.kind) {
    case "delivered":
      await close({ id: message.id, messageId: result.reference, ...line });
      return { kind: "sent", messageId: result.reference };
    case "failed":
      await close({ id: message.id, error: result.error, ...line });
      return { kind: "failed", message: result.error };
    case "retry":
      await deferDelivery(deps.sql, message.id, result.at, result.error, { attempted: result.attempted, ...line });
      return { kind: "later", at: result.at, reason: result.error };
  }
}

/**
 * A call and the calls that follow it to the same receiver (src/outbound/kind.ts `run`), `lanes`
 * at once. A lane claims its next calls a few at a time (as many as there are lanes: one
 * statement for them), takes the receiver's turn, and makes the call exactly as if the call's
 * own job ran it; the outcomes are recorded with the worker's others (SendDeps.callCloses),
 * and one put off (a retry) gets its own job for then. A receiver that gives no turn in time
 * stops the run: the calls it claimed but did not make are given back untried, and the first
 * call left gets a job and leads the rest. Returns the first call's outcome once every outcome
 * is recorded: that is the job's.
 */
async function callRun(
  deps: SendDeps,
  kind: CallKindDefinition,
  run: NonNullable<CallKindDefinition["run"]> & { until: number },
  first: ClaimedMessage & { endpointId: string },
): Promise<SendOutcome> {
  const recorded: Promise<void>[] = [];
  const record = (message: ClaimedMessage, result: DeliveryResult) => {
    const closed = deps.callCloses.add(message, result);
    closed.catch(() => undefined); // awaited with the others at the end: not an unhandled rejection meanwhile
    recorded.push(closed);
  };
  // The first call goes at once (a clinic's single event must not wait for this read); if the
  // followers cannot be read, they stay scheduled for the next run or the reconciler.
  const own = callOnce(deps, kind, first, { record });
  own.catch(() => undefined); // its failure is the job's, awaited below: not an unhandled one meanwhile
  const waiting: number[] = await followingCalls(deps.sql, first, run.until, run.size - 1).catch((error: unknown) => {
    deps.logger.warn({ deliveryId: first.id, err: (error as Error).message }, "reading a run's next calls failed");
    return [];
  });
  /** Claimed for this run, not made yet. */
  const claimed: ClaimedMessage[] = [];
  let stopped = false;
  const follow = async (message: ClaimedMessage, turn: Turn) => {
    try {
      const outcome = await sendClaimed(deps, message, { finalAttempt: false, inRun: { turn, record } });
      if (outcome.kind === "later") await enqueueAfterCommit(deps, [{ id: message.id, dueAt: outcome.at, kind: first.kind }]);
    } catch (error) {
      const err = (error as Error).message;
      deps.logger.warn({ deliveryId: message.id, err }, "a call in a run failed to be made or recorded; the reconciler offers it again");
    } finally {
      turn.release();
    }
  };
  // The first call takes a lane for itself; the followers share the rest, then its lane too.
  const lane = async () => {
    while (!stopped) {
      const message = claimed.shift();
      if (!message) {
        if (waiting.length === 0) return;
        const ids = waiting.splice(0, run.lanes);
        try {
          // One that cannot be claimed is another's (done, or held by a job the reconciler gave it).
          claimed.push(...(await claimDeliveries(deps.sql, ids, deps.leaseSeconds)));
        } catch (error) {
          deps.logger.warn({ deliveryId: ids[0], err: (error as Error).message }, "claiming a run's next calls failed");
          waiting.unshift(...ids);
          stopped = true;
        }
        continue;
      }
      if (message.state === "cancelled") continue; // the endpoint was disabled: recorded by the claim
      // The call is in hand before the turn is waited for: a turn taken for nothing would spend a
      // start of the receiver's rate.
      const turn = await run.turn(first.endpointId);
      if (!turn) {
        stopped = true;
        claimed.unshift(message);
        return;
      }
      await follow(message, turn);
    }
  };
  const lanes = Array.from({ length: Math.min(run.lanes - 1, waiting.length) }, lane);
  try {
    return await own;
  } finally {
    await Promise.all([...lanes, lane()]);
    const untried = claimed.filter((m) => m.state === "sending").map((m) => m.id);
    await unclaimDeliveries(deps.sql, untried).catch((error: unknown) => {
      deps.logger.warn({ deliveryId: untried[0], err: (error as Error).message }, "giving back a run's untried calls failed; their lease runs out");
    });
    // The lowest id left leads the rest (its run takes the calls after it).
    const left = [...waiting, ...untried];
    const next = stopped && left.length > 0 ? Math.min(...left) : undefined;
    if (next !== undefined) await enqueueAfterCommit(deps, [{ id: next, dueAt: new Date(), kind: first.kind, runUntil: run.until }]);
    // Calls not recorded stay claimed (the reconciler offers them again): the job fails, and its
    // retry finds its own call recorded or not.
    await Promise.all(recorded);
  }
}

/**
 * Many due emails, one provider request (DESIGN.md invariant 5): the members were claimed and
 * recorded under `key` before this call, so whatever fails, a retry sends the same members
 * under the same key.
 */
async function sendBatch(
  deps: SendDeps,
  key: string,
  leaderId: number,
  members: ClaimedMessage[],
  options: { finalAttempt: boolean },
): Promise<SendOutcome> {
  // The other members' own jobs would each spend a turn of the rate limiter for nothing.
  const others = members.filter((m) => m.id !== leaderId);
  await deps.queues.removeDeliveryJobs(others.map((m) => m.id)).catch(() => undefined);
  if (members.some((m) => kindOf(deps, m).obsolete?.(m as never))) {
    await dissolveBatch(deps.sql, key, "a member is not to be sent any more");
    return { kind: "later", at: new Date(), reason: "batch dissolved" };
  }
  const emails = await Promise.all(members.map((m) => emailKindOf(deps, m).compose(m as never)));
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
    await enqueueAfterCommit(deps, singles.filter((d) => d.id !== leaderId));
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

/** Attempts at committing an outcome, and the pause before each retry. */
const COMMIT_RETRY_MS = [100, 300, 700, 1500, 3000];

/** Records each member's result (sent or failed) with what its kind changes alongside. */
async function closeWith(deps: CloseDeps, members: ClaimedMessage[], results: DeliveryResult[]): Promise<void> {
  await closeMessages(deps, members, (tx) => finishDeliveries(tx, results), { counted: true });
}

/**
 * Closes claimed messages in ONE transaction — `finish` records the outcome and returns the rows
 * that were still ours; for those each kind's `afterClose` runs (a step schedules the next one or
 * completes the enrollment) — then enqueues what that created after the commit. A whole batch
 * costs a handful of statements, not a few per member. `counted`: the message counts as received
 * (false for a row discarded unsent).
 *
 * After the provider accepted, the commit is retried for a few seconds before giving up: a
 * dropped connection (a Postgres restart or failover) costs a moment, not the claim's lease. The
 * retry is safe: `finish` only changes a row still in "sending", so if a first commit went
 * through unseen the retry changes nothing and creates nothing (the reconciler enqueues the
 * rows that commit created). If Postgres stays away the error reaches the job, which retries; the
 * claim expires after the lease and the resend goes out under the same idempotency key: a replay.
 */
async function closeMessages(
  deps: CloseDeps,
  members: ClaimedMessage[],
  finish: (db: postgres.Sql | postgres.TransactionSql) => Promise<Set<number>>,
  how: { counted: boolean },
): Promise<void> {
  // Nothing changes alongside (a webhook call): the one statement is its own transaction —
  // two round trips fewer for each of up to 100 calls a second.
  const alone = members.every((m) => !deps.kinds[m.kind].afterClose);
  for (let attempt = 0; ; attempt++) {
    try {
      if (alone) {
        await finish(deps.sql);
        return;
      }
      const created = await deps.sql.begin(async (tx) => {
        const ours = await finish(tx);
        const created: ScheduledDelivery[] = [];
        for (const [kind, closed] of byKind(members.filter((m) => ours.has(m.id)))) {
          const after = deps.kinds[kind].afterClose as MessageKindDefinition["afterClose"];
          if (after) created.push(...(await after(tx, closed, how)));
        }
        return created;
      });
      await enqueueAfterCommit(deps, created);
      return;
    } catch (error) {
      const pause = COMMIT_RETRY_MS[attempt];
      if (pause === undefined) throw error;
      deps.logger.warn({ deliveryId: members[0]?.id, err: (error as Error).message }, "commit failed; retrying");
      await new Promise((resolve) => setTimeout(resolve, pause));
    }
  }
}

/**
 * Enqueues the oldest due row that can lead a batch (a no-op if it has its job already): a
 * batchable email, never another kind, or the emails left would wait for the overdue pass.
 */
async function handOn(deps: SendDeps): Promise<void> {
  const next = await oldestDueDelivery(deps.sql, { kinds: batchableKinds(deps) });
  if (next) await enqueueAfterCommit(deps, [next]);
}

function kindOf(deps: SendDeps, message: ClaimedMessage): MessageKindDefinition {
  return deps.kinds[message.kind] as MessageKindDefinition;
}

/** A batch holds emails only (formBatch picks batchable kinds). */
function emailKindOf(deps: SendDeps, message: ClaimedMessage) {
  const kind = kindOf(deps, message);
  if (kind.channel !== "email") throw new Error(`a ${message.kind} is not an email`);
  return kind;
}

function batchableKinds(deps: SendDeps): MessageKind[] {
  return Object.values(deps.kinds)
    .filter((k) => k.channel === "email" && k.batchable)
    .map((k) => k.kind);
}

function byKind(messages: ClaimedMessage[]): Map<MessageKind, ClaimedMessage[]> {
  const groups = new Map<MessageKind, ClaimedMessage[]>();
  for (const m of messages) groups.set(m.kind, [...(groups.get(m.kind) ?? []), m]);
  return groups;
}
