import { RateLimiterMemory, RateLimiterPostgres, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from "rate-limiter-flexible";
import type { Queues } from "./queues.js";

/**
 * The per-client signup limit, kept in the queue's store (Redis, or the Postgres database on
 * the Postgres backend) so it holds across API processes. If the store is unreachable the
 * limit falls back to this process's memory (rate-limiter-flexible's insurance limiter)
 * rather than refusing signups: a store outage must not cost one.
 */
export interface SignupLimiter {
  /** Counts one attempt; `retryAfterSeconds` is set when the client is over the limit. */
  consume(clientKey: string): Promise<{ allowed: true } | { allowed: false; retryAfterSeconds: number }>;
}

export function createSignupLimiter(queues: Queues, perMinute: number, prefix: string): SignupLimiter {
  if (perMinute === 0) return { consume: async () => ({ allowed: true }) };
  return createLimiter(queues, { points: perMinute, durationSeconds: 60, keyPrefix: `${prefix}:signup-limit` });
}

export interface LimiterOptions {
  points: number;
  durationSeconds: number;
  keyPrefix: string;
}

/** Any "N per period per key" limit on the queue's store (signups, fresh-link requests, logins). */
export function createLimiter(queues: Queues, options: LimiterOptions): SignupLimiter {
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
  };
}
