import { RateLimiterMemory, RateLimiterPostgres, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from "rate-limiter-flexible";
import type { Queues } from "./queues.js";

/**
 * "N attempts per period per client" limits (signups, fresh links, admin logins) in the queue's
 * store (Redis, or Postgres on that backend) so they hold across API processes. With the store
 * unreachable a limit falls back to this process's memory (rate-limiter-flexible's insurance
 * limiter) rather than refusing: a store outage must not cost a signup.
 */
export interface RateLimiter {
  /** Counts one attempt; `retryAfterSeconds` is set when the client is over the limit. */
  consume(clientKey: string): Promise<{ allowed: true } | { allowed: false; retryAfterSeconds: number }>;
}

/**
 * A limit on guesses of a secret (the admin token: login form and Bearer header share one budget
 * per client). `blocked` reads without counting, so once the budget is spent a guess is refused
 * BEFORE it is checked: else a throttled attacker learns the right guess from the one non-429.
 */
export interface CredentialLimiter extends RateLimiter {
  blocked(clientKey: string): Promise<{ retryAfterSeconds: number } | undefined>;
}

/** SIGNUP_RATE_LIMIT per minute per client; 0 turns it off (for load tests). */
export function createSignupLimiter(queues: Queues, perMinute: number, prefix: string): RateLimiter {
  if (perMinute === 0) return { consume: async () => ({ allowed: true }) };
  return createRateLimiter(queues, { points: perMinute, durationSeconds: 60, keyPrefix: `${prefix}:signup-limit` });
}

/** Any "N per period per key" limit on the queue's store (signups, fresh-link requests, logins). */
export function createRateLimiter(queues: Queues, options: { points: number; durationSeconds: number; keyPrefix: string }): CredentialLimiter {
  const common = {
    keyPrefix: options.keyPrefix,
    points: options.points,
    duration: options.durationSeconds,
    insuranceLimiter: new RateLimiterMemory({ points: options.points, duration: options.durationSeconds }),
  };
  const store = queues.limiterStore();
  const limiter: RateLimiterAbstract =
    store.kind === "redis"
      ? new RateLimiterRedis({ ...common, storeClient: store.client })
      : // The table comes from our migrations (src/db/schema/rate-limits.ts).
        new RateLimiterPostgres({ ...common, storeClient: store.pool, tableName: "rate_limits", tableCreated: true });
  return {
    async consume(clientKey) {
      try {
        await limiter.consume(clientKey);
        return { allowed: true };
      } catch (rejection) {
        if (rejection instanceof RateLimiterRes) {
          return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)) };
        }
        // Neither store answered: let the request through.
        return { allowed: true };
      }
    },
    async blocked(clientKey) {
      try {
        const state = await limiter.get(clientKey);
        if (!state || state.consumedPoints < options.points) return undefined;
        return { retryAfterSeconds: Math.max(1, Math.ceil(state.msBeforeNext / 1000)) };
      } catch {
        // The store is down: `consume` falls back to memory, and so does the check it makes.
        return undefined;
      }
    },
  };
}
