import { afterEach, describe, expect, it, vi } from "vitest";
import type { TestModule, Vitest } from "vitest/node";
import { missingRedisError, redisRequired, redisSkippedNotice } from "../support/redis-plan.js";

/** What `npm test` says when it has no Redis (docs/testing.md): the wording is the contract. */
describe("a run without Redis", () => {
  afterEach(() => vi.unstubAllEnvs());
  const reason = "nothing answers at TEST_REDIS_URL (redis://127.0.0.1:6379) and no redis-server on PATH";

  it("is a failure under CI=true, naming what is missing", () => {
    vi.stubEnv("CI", "true");
    expect(redisRequired()).toBe(true);
    expect(missingRedisError(reason).message).toBe(
      `Redis is missing: CI is set, so the Redis-queue tests (project "redis") must run, but ${reason}. ` +
        "Start Redis or install redis-server, or set TEST_REDIS_URL.",
    );
  });

  it.each(["", "false", "0"])("is not required with CI=%j", (value) => {
    vi.stubEnv("CI", value);
    expect(redisRequired()).toBe(false);
  });

  it("ends with one line when the postgres project ran, and none after a unit-only run", () => {
    const lines: string[] = [];
    const notice = redisSkippedNotice(reason);
    notice.onInit!({ logger: { log: (line: string) => lines.push(line) } } as unknown as Vitest);
    const ran = (...projects: string[]) => projects.map((name) => ({ project: { name } }) as unknown as TestModule);

    void notice.onTestRunEnd!(ran("unit"), [], "passed");
    expect(lines).toEqual([]);
    void notice.onTestRunEnd!(ran("unit", "postgres"), [], "passed");
    expect(lines).toEqual([`Redis-queue tests (project "redis") did not run: ${reason}. Start Redis or install redis-server to run them.`]);
  });
});
