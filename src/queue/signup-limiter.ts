import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from "rate-limiter-flexible";
import type { Queues } from "./queues.js";

/**
 * The per-client signup limit, kept in the queue's store so it holds across API processes.
 * If the store is unreachable the limit falls back to this process's memory (rate-limiter-
 * flexible's insurance limiter) rather than refusing signups: a Redis outage must not cost one.
 */
export interface SignupLimiter {
  /** Counts one attempt; `retryAfterSeconds` is set when the client is over the limit. */
  consume(clientKey: string): Promise<{ allowed: true } | { allowed: false; retryAfterSeconds: number }>;
}

export function createSignupLimiter(queues: Queues, perMinute: number, prefix: string): SignupLimiter {
  if (perMinute === 0) return { consume: async () => ({ allowed: true }) };
  const limiter = new RateLimiterRedis({
    storeClient: queues.storeClient,
    keyPrefix: `${prefix}:signup-limit`,
    points: perMinute,
    duration: 60,
    insuranceLimiter: new RateLimiterMemory({ points: perMinute, duration: 60 }),
  });
  return {
    async consume(clientKey) {
      try {
        await limiter.consume(clientKey);
        return { allowed: true };
      } catch (rejection) {
        if (rejection instanceof RateLimiterRes) {
          return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)) };
        }
        // Neither store answered: let the signup through.
        return { allowed: true };
      }
    },
  };
}
