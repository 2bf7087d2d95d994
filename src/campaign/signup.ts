import type postgres from "postgres";
import type { Logger } from "../logger.js";
import type { Queues } from "../queue/queues.js";
import type { SignupBatcher } from "./signup-batcher.js";
import { requestOptIn } from "./opt-in.js";
import { signupFields } from "./signup-fields.js";
import type { SequenceDefinition } from "./sequence.js";
import type { SignupInput } from "./signup-input.js";

export interface SignupDeps {
  sql: postgres.Sql;
  queues: Pick<Queues, "enqueueDeliveries">;
  logger: Logger;
  sequence: SequenceDefinition;
  /** DOUBLE_OPT_IN: a new address is stored pending and asked to confirm before anything else. */
  doubleOptIn: boolean;
  /** Writes new signups in group commits (one per process, built in deps). */
  signups: SignupBatcher;
}

export interface SignupMeta {
  ip: string | undefined;
  userAgent: string | undefined;
}

/**
 * Signs a reader up (DESIGN.md invariant 1). When this resolves, the subscriber, the consent
 * record, the enrollment and the welcome delivery are committed (src/campaign/signup-batcher.ts).
 * The enqueue comes after the commit and may fail: the reconciler enqueues any delivery that has
 * no job, so nothing is lost.
 * A known address is answered the same by the caller; only a pending or unsubscribed one gets
 * a confirmation email (rate limited). With DOUBLE_OPT_IN the subscriber is stored pending and
 * the confirmation email row is what is committed (src/campaign/opt-in.ts).
 */
export async function signUp(deps: SignupDeps, input: SignupInput, meta: SignupMeta): Promise<void> {
  const first = deps.sequence.steps[0];
  if (!first) throw new Error(`sequence ${deps.sequence.key} has no steps`);
  if (deps.doubleOptIn) return requestOptIn(deps, input, meta, { createIfNew: true });
  // Committed (and its welcome enqueued) in a batch with whatever else arrived meanwhile. A known
  // address is written too (its last_signup_at), so both cost one committed statement.
  const row = await deps.signups.submit({ ...signupFields(input, meta), sequence: deps.sequence.key, firstStep: first.key });
  // A known address: an unsubscribed one opting back in (or a pending one) is asked to confirm
  // by email — whoever typed it may not own it; active, bounced and complained get nothing.
  // That is work only a known address does, so it happens after the answer (issue 17: waiting
  // for it told a known address from a new one by the time taken). If it fails, the reader who
  // gets no email can simply ask again; nothing of a new signup depends on it.
  // Started on the next turn of the event loop, so not even its first query is sent before the
  // answer (the batcher defers a new address's enqueue the same way).
  if (!row) {
    setImmediate(() =>
      void requestOptIn(deps, input, meta, { createIfNew: false }).catch((error: unknown) =>
        deps.logger.warn({ err: error }, "confirmation request for a returning address failed"),
      ),
    );
  }
}
