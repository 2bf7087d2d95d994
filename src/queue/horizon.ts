/**
 * How far ahead the queue holds jobs, far beyond the reconciler's interval (seconds) so later rows'
 * jobs from its "coming due" pass are in place in time (why: docs/architecture.md "The queue's horizon").
 */
export const QUEUE_HORIZON_MS = 10 * 60_000;
