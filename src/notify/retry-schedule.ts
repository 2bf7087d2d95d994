/**
 * When a failed webhook call is tried again: Svix's schedule, which receivers and the no-code tools
 * expect (docs/webhooks.md), each delay spread by ±10 % so that calls failing together (a CRM
 * restarting) do not come back together, and never before a `Retry-After` the receiver sent.
 */
export const RETRY_DELAYS_MS = [5_000, 5 * 60_000, 30 * 60_000, 2 * 3600_000, 5 * 3600_000, 10 * 3600_000, 10 * 3600_000];
const JITTER = 0.1;

/**
 * After attempt number `attemptsMade` (1 = the first) failed: when to try again, or undefined
 * when that was the last one. `random` in [0, 1) (injectable for tests).
 */
export function nextAttemptAt(
  attemptsMade: number,
  now: Date,
  options: { retryAfterMs?: number | undefined; random?: () => number } = {},
): Date | undefined {
  const delay = RETRY_DELAYS_MS[attemptsMade - 1];
  if (delay === undefined) return undefined;
  const random = options.random ?? Math.random;
  const spread = delay * (1 - JITTER + 2 * JITTER * random());
  return new Date(now.getTime() + Math.max(spread, options.retryAfterMs ?? 0));
}

/** Every attempt failing for this long disables the endpoint (and the dashboard says so). */
export const DISABLE_AFTER_FAILING_MS = 5 * 24 * 3600_000;
