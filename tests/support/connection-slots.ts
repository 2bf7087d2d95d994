import { afterAll, beforeAll } from "vitest";
import { SLOT_WAIT_MS, takeConnectionSlots } from "./connection-budget.js";

declare module "vitest" {
  interface TaskMeta {
    /** How long the file waited for its connection slots (the durations reporter leaves it out of the file's time). */
    slotWaitMs?: number;
  }
}

/**
 * The setup file of the `redis` and `postgres` projects: each test file first takes its slots of
 * the run's PostgreSQL connection budget (tests/support/connection-budget.ts), and gives them back
 * after its last hook.
 */
let release: (() => Promise<void>) | undefined;

beforeAll(async ({}, file) => {
  const from = performance.now();
  release = await takeConnectionSlots();
  file.meta.slotWaitMs = performance.now() - from;
}, SLOT_WAIT_MS + 10_000);

afterAll(async () => {
  await release?.();
});
