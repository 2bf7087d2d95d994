/**
 * The one outcome ladder of a send, whatever the kind of message; the send worker maps each rung
 * onto the queue (workers/send-worker.ts, the ladder drawn in docs/architecture.md "One way out").
 */
export type SendOutcome =
  | { kind: "sent"; messageId: string }
  | { kind: "skipped"; reason: string }
  | { kind: "later"; at: Date; reason: string }
  | { kind: "retry"; message: string; at?: Date }
  | { kind: "rateLimited"; retryAfterMs: number; message: string }
  | { kind: "failed"; message: string };
