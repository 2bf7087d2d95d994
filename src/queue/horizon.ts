/**
 * How far ahead the queue holds jobs; a later row gets its job from the reconciler's "coming due"
 * pass (why: docs/architecture.md "The queue's horizon"). Far longer than the reconciler's
 * interval (seconds), so a job is always in place in time.
 */
export const QUEUE_HORIZON_MS = 10 * 60_000;

/** The rows whose jobs belong in the queue now; the rest are added as they come due. */
export function dueWithinHorizon<T extends { dueAt: Date }>(deliveries: T[], now = Date.now()): T[] {
  return deliveries.filter((d) => d.dueAt.getTime() < now + QUEUE_HORIZON_MS);
}
