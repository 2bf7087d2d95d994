import { fileURLToPath } from "node:url";
import { migrate } from "drizzle-orm/postgres-js/migrator";
import type { DbHandle } from "./client.js";

const MIGRATIONS_FOLDER = fileURLToPath(new URL("../../drizzle", import.meta.url));
// Any fixed number: API and worker may start together, and drizzle's migrator takes no lock itself.
const MIGRATION_LOCK = 7_245_311;

export async function migrateDatabase({ db, sql }: DbHandle): Promise<void> {
  const lockConnection = await sql.reserve();
  try {
    await lockConnection`select pg_advisory_lock(${MIGRATION_LOCK})`;
    try {
      // Runs on the drizzle pool; the lock is held on this one.
      await migrate(db, { migrationsFolder: MIGRATIONS_FOLDER });
    } finally {
      await lockConnection`select pg_advisory_unlock(${MIGRATION_LOCK})`;
    }
  } finally {
    lockConnection.release();
  }
}
