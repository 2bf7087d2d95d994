import postgres from "postgres";
import { TEST_QUEUE_BACKEND, testDatabaseUrl } from "./env.js";
import { waitFor } from "./wait.js";

/**
 * Test files run in parallel only as far as their PostgreSQL connections fit one budget.
 *
 * Most of a service file's time is spent waiting on I/O, so files run side by side
 * (vitest.config.ts `maxWorkers`). What runs out first is not the CPU but the server's
 * connections: the development machine's PostgreSQL allows 100 (`max_connections`), shared by
 * everyone on it, and one stack holds up to 7 of them on the Redis queue backend and up to 32 on
 * the Postgres one (a pool per BullMQ queue and worker) — past the limit, every new
 * connection fails with "sorry, too many clients already". So each file of the `redis` and
 * `postgres` projects first takes (their setup file, tests/support/connection-slots.ts) slots of a budget of
 * BUDGET_CONNECTIONS, as many as its processes hold, and gives them back when it ends.
 *
 * The slots are PostgreSQL advisory locks in the run's admin database, held on one connection
 * per file: a file that dies releases them with its connection, and every run on the same server
 * shares the one budget, so two people's runs slow each other down instead of failing. A file
 * waiting for slots holds a turnstile lock, first come first served: a file that needs many
 * slots is not overtaken for ever by files that need few.
 */

/**
 * Connections the files in flight may hold together: of the server's 100, 20 stay for the others
 * working on the machine (beyond that, a file also waits until the server has room: below), and
 * two stacks on the Postgres queue fit, so that project is not one file at a time. (Alone, the
 * share test's four processes hold some 80 on the Postgres queue backend.)
 */
export const BUDGET_CONNECTIONS = 80;
/** Connections per slot. */
const SLOT_CONNECTIONS = 5;
const SLOTS = BUDGET_CONNECTIONS / SLOT_CONNECTIONS;
/**
 * What one process with a stack holds at most, as measured on pg_stat_activity (signup and
 * outgoing-webhooks files, sampled every 150 ms) with a test stack's pool of 4
 * (tests/support/stack.ts TEST_POOL_SIZE): 5–7 on the Redis queue backend, 27–32 on the Postgres
 * one, whose BullMQ backend keeps a pool per queue and per worker (22 of them at the peak).
 */
const SLOTS_PER_PROCESS = TEST_QUEUE_BACKEND === "postgres" ? 7 : 2;
/** The advisory-lock space of the budget (the first key of the two-key form); the second is the slot. */
const BUDGET_LOCKS = 0x66757274; // "furt"
const TURNSTILE = -1;
/** The most free connections a file waits for (all of the budget): some always belong to others. */
const MOST_ROOM = BUDGET_CONNECTIONS;
/** How long a file may wait for its slots: behind every other file of a run, at worst. */
export const SLOT_WAIT_MS = 30 * 60_000;

export interface ConnectionNeeds {
  /** `npm run start:worker` processes the file runs beside its own stack (tests/support/worker-process.ts). */
  workerProcesses?: number;
  /**
   * The whole budget: no other service file runs meanwhile. For a test that measures a real
   * rate (arrivals per second), so that its processes are not starved by others'.
   */
  alone?: boolean;
}

/** Where a file's declaration waits for its setup (the global scope of the worker running the file). */
const NEEDS = Symbol.for("fur-test-connection-needs");
type WithNeeds = typeof globalThis & { [NEEDS]?: ConnectionNeeds };

/**
 * Declares, at the top of a test file, that it needs more than one stack's connections. Read when
 * the file's tests start (tests/support/connection-slots.ts), after the file has been loaded.
 */
export function needsConnections(declared: ConnectionNeeds): void {
  (globalThis as WithNeeds)[NEEDS] = declared;
}

function slotsFor(declared: ConnectionNeeds): number {
  if (declared.alone) return SLOTS;
  return Math.min(SLOTS, SLOTS_PER_PROCESS * (1 + (declared.workerProcesses ?? 0)));
}

/**
 * Takes the slots this file needs (as declared with needsConnections, or one process's), waiting
 * for other files to give theirs back; returns the release, which closes the connection.
 */
export async function takeConnectionSlots(): Promise<() => Promise<void>> {
  const scope = globalThis as WithNeeds;
  const want = slotsFor(scope[NEEDS] ?? {});
  delete scope[NEEDS]; // a worker that runs another file next starts from nothing declared
  const sql = postgres(testDatabaseUrl(), { max: 1, idle_timeout: 0, onnotice: () => {} });
  await sql`select pg_advisory_lock(${BUDGET_LOCKS}::int, ${TURNSTILE}::int)`;
  try {
    const held = new Set<number>();
    // A positive signal: the slots other files gave back (checked every 100 ms).
    await waitFor(
      async () => {
        for (let slot = 0; slot < SLOTS && held.size < want; slot++) {
          if (held.has(slot)) continue;
          const [row] = await sql<{ taken: boolean }[]>`select pg_try_advisory_lock(${BUDGET_LOCKS}::int, ${slot}::int) as taken`;
          if (row!.taken) held.add(slot);
        }
        return held.size === want;
      },
      SLOT_WAIT_MS,
      `${want} of ${SLOTS} connection slots`,
      100,
    );
    // The budget orders this run's files (and those of runs that share it), not what else
    // connects to the server: a file also waits until the server has room for what it will open.
    const room = Math.min(want * SLOT_CONNECTIONS, MOST_ROOM);
    await waitFor(
      async () => {
        const [row] = await sql<{ free: number }[]>`
          select current_setting('max_connections')::int - count(*)::int as free
            from pg_stat_activity where backend_type = 'client backend'`;
        return row!.free >= room;
      },
      SLOT_WAIT_MS,
      `${room} free connections on the server`,
      100,
    );
  } catch (error) {
    await sql.end();
    throw error;
  } finally {
    await sql`select pg_advisory_unlock(${BUDGET_LOCKS}::int, ${TURNSTILE}::int)`.catch(() => {});
  }
  // Closing the connection gives back every slot it held.
  return () => sql.end();
}
