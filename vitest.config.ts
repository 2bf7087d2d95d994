import { defineConfig } from "vitest/config";

/**
 * Unit tests run once; everything that touches the queue runs twice, once per backend
 * (BullMQ on Redis, BullMQ on its PostgreSQL backend), with the same files.
 */
const stores = ["tests/integration/**/*.test.ts", "tests/e2e/**/*.test.ts", "tests/browser/**/*.test.ts"];
const shared = {
  globalSetup: ["tests/support/global-setup.ts"],
  // Each file gets its own database and queue prefix, so files can run in parallel.
  pool: "forks" as const,
  testTimeout: 30_000,
  hookTimeout: 60_000,
};

export default defineConfig({
  test: {
    projects: [
      { test: { ...shared, name: "unit", include: ["tests/unit/**/*.test.ts", "tests/unit/**/*.test.tsx"] } },
      { test: { ...shared, name: "redis", include: stores, env: { TEST_QUEUE_BACKEND: "redis" } } },
      { test: { ...shared, name: "postgres", include: stores, env: { TEST_QUEUE_BACKEND: "postgres" } } },
    ],
  },
});
