import { fileURLToPath } from "node:url";
import { migrate } from "drizzle-orm/postgres-js/migrator";
import type { DbHandle } from "./client.js";
import { installStatsFunctions } from "./stats-functions.js";

const MIGRATIONS_FOLDER = fileURLToPath(new URL("../../drizzle", import.meta.url));
// Any fixed number. API and worker may start at once and drizzle's migrator takes no lock of
// its own, so one process holds this session lock while the other waits.
const MIGRATION_LOCK = 7_245_311;

/** Needs a pool of at least two connections: one holds the lock while the others migrate. */
export async function migrateDatabase({ db, sql }: DbHandle): Promise<void> {
  if ((sql.options.max ?? 10) < 2) throw new Error("migrateDatabase needs a pool of at least 2 connections");
  const lockConnection = await sql.reserve();
  try {
    await lockConnection`select pg_advisory_lock(${MIGRATION_LOCK})`;
    try {
      await migrate(db, { migrationsFolder: MIGRATIONS_FOLDER });
      // Stats triggers and functions: SQL that drizzle-kit does not generate (see the file).
      // A transaction of its own on a second pooled connection (the pool must hold two: the
      // lock keeps one).
      await installStatsFunctions(sql);
    } finally {
      await lockConnection`select pg_advisory_unlock(${MIGRATION_LOCK})`;
    }
  } finally {
    lockConnection.release();
  }
}
