import { access, constants } from "node:fs/promises";
import path from "node:path";
import { Redis } from "ioredis";
import type { Reporter, TestModule } from "vitest/node";
import { CONFIGURED_REDIS_URL } from "./env.js";

/**
 * Where the `redis` test project gets its Redis, decided before the run (vitest.config.ts leaves
 * the project out when there is none) and again by its global setup, which starts the server:
 *  - TEST_REDIS_URL (default redis://127.0.0.1:6379) when it answers;
 *  - else a throwaway `redis-server` when the binary is on PATH (tests/support/redis-server.ts);
 *  - else none: the project does not run and the run ends saying so — unless CI is set, where a
 *    missing Redis fails the run (CI always runs both queue backends).
 */
export type RedisPlan =
  | { kind: "configured"; url: string }
  | { kind: "start"; binary: string }
  | { kind: "missing"; reason: string };

export async function redisPlan(): Promise<RedisPlan> {
  if (await redisAnswers(CONFIGURED_REDIS_URL)) return { kind: "configured", url: CONFIGURED_REDIS_URL };
  const binary = await onPath("redis-server");
  if (binary) return { kind: "start", binary };
  return { kind: "missing", reason: `nothing answers at TEST_REDIS_URL (${CONFIGURED_REDIS_URL}) and no redis-server on PATH` };
}

/** CI=true (or 1): a Redis is required, so both queue backends always run there. */
export function redisRequired(): boolean {
  return ["true", "1"].includes((process.env.CI ?? "").toLowerCase());
}

/** The error the `redis` project's global setup fails with when it has no Redis. */
export function missingRedisError(reason: string): Error {
  const why = redisRequired() ? "CI is set, so the Redis-queue tests (project \"redis\") must run" : "the Redis-queue tests (project \"redis\") need Redis";
  return new Error(`Redis is missing: ${why}, but ${reason}. Start Redis or install redis-server, or set TEST_REDIS_URL.`);
}

/**
 * Whether a Redis answers PING at `url`. Only "nobody there" (refused, unreachable, timed out)
 * is false: a Redis that answers with an error (a wrong password) is a mistake to report.
 */
export async function redisAnswers(url: string): Promise<boolean> {
  const redis = new Redis(url, { lazyConnect: true, connectTimeout: 2000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  redis.on("error", () => {}); // the connect() below reports it
  try {
    await redis.connect();
    return (await redis.ping()) === "PONG";
  } catch (error) {
    if (/ECONNREFUSED|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|ENOTFOUND|EAI_AGAIN|Connection is closed/.test(String(error))) return false;
    throw new Error(`TEST_REDIS_URL (${url}) answered with an error: ${(error as Error).message}`);
  } finally {
    redis.disconnect();
  }
}

async function onPath(command: string): Promise<string | undefined> {
  for (const dir of (process.env.PATH ?? "").split(path.delimiter).filter(Boolean)) {
    const candidate = path.join(dir, command);
    if (await access(candidate, constants.X_OK).then(() => true, () => false)) return candidate;
  }
  return undefined;
}

/**
 * The one line at the end of a run that left the `redis` project out, printed when the
 * `postgres` project ran (the same files, on the other backend) — not after a unit-only run.
 */
export function redisSkippedNotice(reason: string): Reporter {
  let log: (line: string) => void = console.log;
  return {
    onInit(vitest) {
      log = (line) => vitest.logger.log(line);
    },
    onTestRunEnd(modules: ReadonlyArray<TestModule>) {
      if (modules.some((m) => m.project.name === "postgres")) {
        log(`Redis-queue tests (project "redis") did not run: ${reason}. Start Redis or install redis-server to run them.`);
      }
    },
  };
}
