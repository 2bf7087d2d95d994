/**
 * The one outcome ladder of a send, whatever the kind of message; the send worker maps each
 * rung onto the queue (workers/send-worker.ts): sent and skipped complete the job, later delays
 * it without counting an attempt, retry counts one (with the queue's backoff, or until `at` when
 * the kind keeps its own schedule and counts on its row), rateLimited pauses every
 * worker for as long as the provider asked (invariant 5), failed ends it for good.
 */
export type SendOutcome =
  | { kind: "sent"; messageId: string }
  | { kind: "skipped"; reason: string }
  | { kind: "later"; at: Date; reason: string }
  | { kind: "retry"; message: string; at?: Date }
  | { kind: "rateLimited"; retryAfterMs: number; message: string }
  | { kind: "failed"; message: string };
