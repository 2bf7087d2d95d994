import { defineConfig } from "vitest/config";
import LongestFirst from "./tests/support/sequencer.js";
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
  // A worker imports src/ once for all its files, not once per file (some 4 s of CPU each, half
  // the suite's import time): src/ keeps no state in its modules, and each file builds its own stack.
  isolate: false,
  testTimeout: 30_000,
  hookTimeout: 60_000,
};
const withServices = {
  ...shared,
  // The run's services (found or started), and a migrated template database each file clones:
  // each file gets its own database and queue prefix, so files can run in parallel — as far as
  // their PostgreSQL connections fit the budget each file takes its share of first.
  globalSetup: ["tests/support/global-setup.ts"],
  setupFiles: ["tests/support/connection-slots.ts"],
};

/**
 * Files in flight at once. Vitest's default is one less than the cores — one, on the 2-core
 * machine, so the suite ran a file at a time — but a service file mostly waits (on PostgreSQL,
 * the queue, worker processes), so four share two cores; how many of them hold a stack is
 * the connection budget's to say (tests/support/connection-budget.ts).
 */
const FILES_IN_FLIGHT = 4;

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
      maxWorkers: FILES_IN_FLIGHT,
      sequence: { sequencer: LongestFirst },
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
