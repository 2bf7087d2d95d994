import { afterAll, beforeAll } from "vitest";
import { SLOT_WAIT_MS, takeConnectionSlots } from "./connection-budget.js";

/**
 * The setup file of the `redis` and `postgres` projects: each test file first takes its slots of
 * the run's PostgreSQL connection budget (tests/support/connection-budget.ts), and gives them back
 * after its last hook.
 */
let release: (() => Promise<void>) | undefined;

beforeAll(async () => {
  release = await takeConnectionSlots();
}, SLOT_WAIT_MS + 10_000);

afterAll(async () => {
  await release?.();
});
