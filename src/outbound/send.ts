import type postgres from "postgres";
import type { Logger } from "../logger.js";
import type { Transport } from "../mail/transport.js";
import type { Queues } from "../queue/queues.js";
import { enqueueAfterCommit } from "../queue/after-commit.js";
import {
  callHeads,
  claimDelivery,
  claimNextCalls,
  discardClaimedDelivery,
  finishDeliveries,
  oldestDueDelivery,
  releaseDelivery,
  type ClaimedMessage,
  type DeliveryResult,
  type ScheduledDelivery,
} from "../db/queries/deliveries.js";
import { dissolveBatch, formBatch, reclaimBatch, releaseBatch } from "../db/queries/batches.js";
import type { MessageKind } from "../db/schema/deliveries.js";
import type { CallKindDefinition, MessageKindDefinition, MessageKinds } from "./kind.js";
import type { SendOutcome } from "./outcome.js";

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
}

/** What recording an outcome needs. */
type CloseDeps = Pick<SendDeps, "sql" | "queues" | "logger" | "kinds">;

/** Sends one message of any kind (DESIGN.md invariants 2–5; docs/architecture.md "One way out"). */
export async function sendMessage(
  deps: SendDeps,
  id: number,
  options: { finalAttempt: boolean },
): Promise<SendOutcome> {
  const claim = await claimDelivery(deps.sql, id, deps.leaseSeconds);
  if (!claim.claimed) {
    // A batch member whose job ran while another job held its batch: look again shortly — by
    // then the batch is sent (nothing to do), or was refused and dissolved (then it goes alone).
    // Completing the job instead could race the dissolve's re-enqueue and strand the row.
    if (claim.state === "busy" && claim.inBatch) {
      return { kind: "later", at: new Date(Date.now() + BATCH_RECHECK_MS), reason: "held in another message's batch or run" };
    }
    if (claim.state === "busy") return { kind: "later", at: claim.until, reason: "claimed by another worker" };
    if (claim.state === "notDue") return { kind: "later", at: claim.dueAt, reason: "not due yet" };
    return { kind: "skipped", reason: `message is ${claim.state}` };
  }
  const outcome = await sendClaimed(deps, claim.claimed, options);
  // A call done with (a cancelled one too: its endpoint disabled, whose line then drains as cancellations).
  if (claim.claimed.endpointId !== null && (outcome.kind === "sent" || outcome.kind === "failed" || outcome.kind === "skipped")) {
    await followLine(deps, claim.claimed, options).catch((error: unknown) =>
      deps.logger.warn({ deliveryId: id, err: (error as Error).message }, "a run along an endpoint's calls stopped; the reconciler hands them on"),
    );
  }
  return outcome;
}

/** Calls a job makes along one receiver's line before handing on, so other receivers get the worker too. */
const RUN_CALLS = 50;

/**
 * A call's job goes on with the next due calls to the same receiver, claimed a few at once (as
 * many as its kind may have in flight) and made side by side, so most calls need no job of their
 * own: a job cost about twice the call (docs/performance.md). The run stops after calls of which
 * one must wait (it gets a job for its time) and after RUN_CALLS, handing on.
 */
async function followLine(deps: SendDeps, first: ClaimedMessage, options: { finalAttempt: boolean }): Promise<void> {
  const width = (kindOf(deps, first) as CallKindDefinition).runWidth;
  let last = first.id;
  for (let made = 1; made < RUN_CALLS; ) {
    const next = await claimNextCalls(deps.sql, last, Math.min(width, RUN_CALLS - made), deps.leaseSeconds);
    if (next.length === 0) return;
    const outcomes = await Promise.all(next.map((message) => sendClaimed(deps, message, options)));
    const waiting = next.flatMap((message, i) => {
      const outcome = outcomes[i]!;
      return outcome.kind === "retry" || outcome.kind === "later" ? [{ id: message.id, dueAt: outcome.at ?? new Date(), kind: message.kind }] : [];
    });
    if (waiting.length > 0) return enqueueAfterCommit(deps, waiting);
    last = next.at(-1)!.id;
    made += next.length;
  }
  await enqueueAfterCommit(deps, await callHeads(deps.sql, [last], 1));
}

/** A message this worker holds the claim of. */
async function sendClaimed(deps: SendDeps, message: ClaimedMessage, options: { finalAttempt: boolean }): Promise<SendOutcome> {
  if (message.state === "cancelled") return { kind: "skipped", reason: `the recipient no longer qualifies for this ${message.kind}` };
  const kind = kindOf(deps, message);
  const obsolete = kind.obsolete?.(message);
  if (obsolete) {
    await closeMessages(deps, [message], async (tx) => new Set((await discardClaimedDelivery(tx, message)) ? [message.id] : []), {
      counted: false,
    });
    return { kind: "skipped", reason: obsolete };
  }
  if (kind.channel === "call") return callOnce(deps, kind, message);

  // A batch forms only around a first claim (attempts 1 after it): one tried alone, its answer maybe
  // lost, must retry under its own key, never inside a batch under another.
  const firstTry = message.attempts === 1 && !message.noBatch;
  if (kind.batchable && deps.transport.sendBatch && deps.batchSize > 1 && (message.batchKey !== null || firstTry)) {
    const batch = message.batchKey
      ? { key: message.batchKey, members: await reclaimBatch(deps.sql, message) }
      : await formBatch(deps.sql, message, { limit: deps.batchSize - 1, kinds: batchableKinds(deps), steps: deps.steps });
    // A full batch may leave due rows without jobs (a signup batch enqueues one per batch's worth):
    // the oldest batchable email left gets one now, so the next batch forms while this one is sent
    // (another kind would leave the emails to the overdue pass).
    if (!message.batchKey && batch.members.length >= deps.batchSize) {
      const next = await oldestDueDelivery(deps.sql, { kinds: batchableKinds(deps) });
      if (next) await enqueueAfterCommit(deps, [next]);
    }
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
    await closeWith(deps, [message], [{ ...claimOf(message), messageId: result.messageId }]);
    return { kind: "sent", messageId: result.messageId };
  }
  if (result.kind === "permanent" || (result.kind === "retryable" && options.finalAttempt)) {
    // A failed step does not strand the reader (docs/operations.md "What each fault does").
    await closeWith(deps, [message], [{ ...claimOf(message), error: result.message }]);
    return { kind: "failed", message: result.message };
  }
  await release(deps, message, result.message);
  if (result.kind === "rateLimited") return { kind: "rateLimited", retryAfterMs: result.retryAfterMs, message: result.message };
  return { kind: "retry", message: result.message };
}

/**
 * A message its kind delivers itself (an outgoing webhook call): recorded like an email's, with
 * the attempt's line in the call's log; a retry is given back for the moment the kind names.
 */
async function callOnce(deps: SendDeps, kind: CallKindDefinition, message: ClaimedMessage): Promise<SendOutcome> {
  const result = await kind.call(message as never);
  const line = result.line ? { line: result.line } : {};
  switch (result.kind) {
    case "delivered":
      await closeWith(deps, [message], [{ ...claimOf(message), messageId: result.reference, ...line }]);
      return { kind: "sent", messageId: result.reference };
    case "failed":
      await closeWith(deps, [message], [{ ...claimOf(message), error: result.error, ...line }]);
      return { kind: "failed", message: result.error };
    case "retry":
      await release(deps, message, result.error, { at: result.at, attempted: result.attempted, ...line });
      return { kind: "retry", message: result.error, at: result.at };
  }
}

/**
 * Many due emails, one provider request (DESIGN.md invariant 5): the members were claimed and
 * recorded under `key` first, so whatever fails, a retry sends them again under the same key.
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
  const batch = { key, lease: members.find((m) => m.id === leaderId)!.lease };
  if (members.some((m) => kindOf(deps, m).obsolete?.(m as never))) {
    await dissolveBatch(deps.sql, batch, "a member is not to be sent any more");
    return { kind: "later", at: new Date(), reason: "batch dissolved" };
  }
  const emails = await Promise.all(members.map((m) => emailKindOf(deps, m).compose(m as never)));
  const started = performance.now();
  const result = await deps.transport.sendBatch!(emails, key);
  deps.logger.debug({ batch: key, size: members.length, ok: result.ok, ms: Math.round(performance.now() - started) }, "provider batch call");

  if (result.ok) {
    await closeWith(deps, members, members.map((m, i) => ({ ...claimOf(m), messageId: result.messageIds[i]! })));
    return { kind: "sent", messageId: result.messageIds[members.findIndex((m) => m.id === leaderId)]! };
  }
  // Our key already used for another payload: what went out under it is unknown, so regrouping
  // could send twice. The members fail, visibly, with the provider's word.
  const reusedKey = result.kind === "permanent" && result.message.includes("invalid_idempotent_request");
  if (reusedKey || (result.kind === "retryable" && options.finalAttempt)) {
    await closeWith(deps, members, members.map((m) => ({ ...claimOf(m), error: result.message })));
    return { kind: "failed", message: result.message };
  }
  if (result.kind === "permanent") {
    // The batch itself was refused and nothing went out: each member goes alone (no_batch).
    const singles = await dissolveBatch(deps.sql, batch, result.message);
    await enqueueAfterCommit(deps, singles.filter((d) => d.id !== leaderId));
    return { kind: "later", at: new Date(), reason: `batch refused, sending one by one: ${result.message}` };
  }
  if ((await releaseBatch(deps.sql, batch, result.message)) === 0) lostClaim(deps, leaderId, "releasing a batch");
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

/** Gives a claim back to be tried again (src/db/queries/deliveries.ts `releaseDelivery`). */
async function release(deps: SendDeps, message: ClaimedMessage, error: string, options: Parameters<typeof releaseDelivery>[3] = {}) {
  if (!(await releaseDelivery(deps.sql, claimOf(message), error, options))) lostClaim(deps, message.id, "releasing it");
}

/**
 * Our claim was taken when its outcome came: the lease ran out and another worker's outcome counts.
 * Nothing changed; said, since it means a call or a commit took longer than the lease.
 */
function lostClaim(deps: Pick<SendDeps, "logger">, deliveryId: number | undefined, doing: string): void {
  deps.logger.warn({ deliveryId }, `the claim was no longer this worker's when ${doing}: nothing changed`);
}

function claimOf(message: ClaimedMessage): { id: number; lease: string } {
  return { id: message.id, lease: message.lease };
}

/**
 * Closes claimed messages in ONE transaction: `finish` records outcomes, returning the rows still
 * ours, whose kinds' `afterClose` run (`counted` false: discarded unsent); what they create is
 * enqueued after the commit. The commit is retried a few seconds (a dropped connection costs a
 * moment, not the lease): safe, as `finish` changes only rows still "sending" (docs/operations.md
 * "What each fault does").
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
  const mine = (ours: Set<number>) => {
    const lost = members.filter((m) => !ours.has(m.id));
    // A retried commit whose first try went through unseen finds nothing too: not a lost claim.
    if (lost.length > 0 && attempt === 0) lostClaim(deps, lost[0]?.id, `recording ${lost.length} outcome(s)`);
    return ours;
  };
  let attempt = 0;
  for (; ; attempt++) {
    try {
      if (alone) {
        mine(await finish(deps.sql));
        return;
      }
      const created = await deps.sql.begin(async (tx) => {
        const ours = mine(await finish(tx));
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
