/**
 * How far ahead the queue holds jobs; a later row gets its job from the reconciler's "coming due"
 * pass (why: docs/architecture.md "The queue's horizon"). Far longer than the reconciler's
 * interval (seconds), so a job is always in place in time.
 */
export const QUEUE_HORIZON_MS = 10 * 60_000;
