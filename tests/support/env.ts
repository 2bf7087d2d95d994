import { inject } from "vitest";

/**
 * Where the tests find their services. TEST_DATABASE_URL and TEST_REDIS_URL name the machine's;
 * when nothing answers there, the run starts its own (tests/support/services.ts) and every test
 * file reads what the run uses through `inject` (the global setup provides it before the test
 * workers start). Tests (not the app) read these; each run makes its own database and Redis key
 * prefix from them and removes both at the end.
 */
export const CONFIGURED_DATABASE_URL = process.env.TEST_DATABASE_URL ?? "postgres://root@127.0.0.1:5432/test";
export const CONFIGURED_REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

/** The services a run uses. */
export interface TestServices {
  /** A PostgreSQL server's URL with rights to create databases. */
  databaseUrl: string;
  /** null: this project runs without Redis (the `postgres` project). */
  redisUrl: string | null;
}

declare module "vitest" {
  export interface ProvidedContext {
    runId: string;
    services: TestServices;
  }
}

/** In a test file: the PostgreSQL this run uses (its admin database). */
export function testDatabaseUrl(): string {
  return inject("services").databaseUrl;
}

/** In a test file of the `redis` project: the Redis this run uses. */
export function testRedisUrl(): string {
  const url = inject("services").redisUrl;
  if (!url) throw new Error("this test project runs without Redis (only the `redis` project has one)");
  return url;
}

/** The URL of database `name` on the server of `serverUrl` (by default, the run's). */
export function databaseUrl(name: string, serverUrl = testDatabaseUrl()): string {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

export function templateName(runId: string): string {
  return `fur_tpl_${runId}`;
}

export function queuePrefix(runId: string): string {
  return `fur-test-${runId}`;
}

/** The queue backend this test project runs on (vitest.config.ts runs the suite on both). */
export const TEST_QUEUE_BACKEND: "redis" | "postgres" = process.env.TEST_QUEUE_BACKEND === "postgres" ? "postgres" : "redis";

/** The env that selects the queue backend, for a config or a spawned service process. */
export function queueEnv(): Record<string, string> {
  return TEST_QUEUE_BACKEND === "redis" ? { QUEUE_BACKEND: "redis", REDIS_URL: testRedisUrl() } : { QUEUE_BACKEND: "postgres" };
}
