/**
 * Where the tests find the machine's services. Tests (not the app) read these; each run makes
 * its own database and Redis key prefix from them and removes both at the end.
 */
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? "postgres://root@127.0.0.1:5432/test";
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

export function databaseUrl(name: string): string {
  const url = new URL(TEST_DATABASE_URL);
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
  return TEST_QUEUE_BACKEND === "redis"
    ? { QUEUE_BACKEND: "redis", REDIS_URL: TEST_REDIS_URL }
    : { QUEUE_BACKEND: "postgres" };
}
