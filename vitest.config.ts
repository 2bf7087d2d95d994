import { defineConfig } from "vitest/config";

/**
 * Unit tests run once, with no I/O: no database set up for them, and a network connection
 * fails the test (tests/support/no-network.ts). Everything that touches the queue runs twice,
 * once per backend (BullMQ on Redis, BullMQ on its PostgreSQL backend), with the same files.
 */
const stores = ["tests/integration/**/*.test.ts", "tests/e2e/**/*.test.ts", "tests/browser/**/*.test.ts"];
const shared = {
  pool: "forks" as const,
  testTimeout: 30_000,
  hookTimeout: 60_000,
};
const withServices = {
  ...shared,
  // A migrated template database each file clones: each file gets its own database and queue
  // prefix, so files can run in parallel.
  globalSetup: ["tests/support/global-setup.ts"],
};

export default defineConfig({
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
      { test: { ...withServices, name: "redis", include: stores, env: { TEST_QUEUE_BACKEND: "redis" } } },
      { test: { ...withServices, name: "postgres", include: stores, env: { TEST_QUEUE_BACKEND: "postgres" } } },
    ],
  },
});
