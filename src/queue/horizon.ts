/**
 * How far ahead the queue holds jobs. A step due days away stays a row in Postgres (the source
 * of truth, DESIGN.md invariant 2) until the reconciler's "coming due" pass adds its job, this
 * long before it is due; the job then waits as a delayed job and fires on time. Enqueueing
 * every next step at once would cost a queue add per email sent (the worker's largest queue
 * cost while a burst goes out) and keep weeks of delayed jobs in Redis's memory.
 * Far longer than the reconciler's interval (seconds), so a job is always in place in time.
 */
export const QUEUE_HORIZON_MS = 10 * 60_000;

/** The rows whose jobs belong in the queue now; the rest are added as they come due. */
export function dueWithinHorizon<T extends { dueAt: Date }>(deliveries: T[], now = Date.now()): T[] {
  return deliveries.filter((d) => d.dueAt.getTime() < now + QUEUE_HORIZON_MS);
}
