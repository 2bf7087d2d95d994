import { defineConfig } from "vitest/config";
import { redisPlan, redisRequired, redisSkippedNotice } from "./tests/support/redis-plan.js";

/**
 * Unit tests run once, with no I/O: no database set up for them, and a network connection
 * fails the test (tests/support/no-network.ts). Everything that touches the queue runs twice,
 * once per backend (BullMQ on Redis, BullMQ on its PostgreSQL backend), with the same files.
 * The services come from the machine or are started for the run (docs/testing.md).
 */
const stores = ["tests/integration/**/*.test.ts", "tests/e2e/**/*.test.ts", "tests/browser/**/*.test.ts"];
const shared = {
  pool: "forks" as const,
  testTimeout: 30_000,
  hookTimeout: 60_000,
};
const withServices = {
  ...shared,
  // The run's services (found or started), and a migrated template database each file clones:
  // each file gets its own database and queue prefix, so files can run in parallel.
  globalSetup: ["tests/support/global-setup.ts"],
};

/** `--project redis` on the command line: the project was asked for by name. */
const redisAskedFor = process.argv.some((arg, i) => arg === "--project=redis" || (arg === "--project" && process.argv[i + 1] === "redis"));

export default defineConfig(async () => {
  // No Redis and none to start: the Redis-queue project stays out and the run ends saying so.
  // Under CI, or asked for by name, the project stays in and its global setup fails naming
  // what is missing.
  const redis = await redisPlan();
  const skipRedis = redis.kind === "missing" && !redisRequired() && !redisAskedFor ? redis.reason : undefined;
  return {
    test: {
      projects: [
        {
          test: {
            ...shared,
            name: "unit",
            include: ["tests/unit/**/*.test.ts", "tests/unit/**/*.test.tsx"],
            setupFiles: ["tests/support/no-network.ts"],
          },
        },
        ...(skipRedis ? [] : [{ test: { ...withServices, name: "redis", include: stores, env: { TEST_QUEUE_BACKEND: "redis" } } }]),
        { test: { ...withServices, name: "postgres", include: stores, env: { TEST_QUEUE_BACKEND: "postgres" } } },
      ],
      ...(skipRedis ? { reporters: ["default", redisSkippedNotice(skipRedis)] } : {}),
    },
  };
});
