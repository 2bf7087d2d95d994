import { runMigrations } from "bullmq";
import pg from "pg";
import { pingRedis, redactUrl } from "./connection.js";
import type { QueueBackend } from "./queues.js";

/**
 * The queue store's start-up chores: it answers (Redis) or has its schema (Postgres: BullMQ's own
 * migrations, idempotent and safe concurrently); then say once which backend runs.
 */
export async function prepareQueueStore(
  backend: QueueBackend,
  redisUrl: string | undefined,
  postgresUrl: string,
): Promise<string> {
  if (backend === "redis") {
    await pingRedis(redisUrl!);
    return `queue on Redis at ${redactUrl(redisUrl!)}`;
  }
  await migrateQueueSchema(postgresUrl);
  return "queue on PostgreSQL (BullMQ's PostgreSQL backend, schema bullmq, in the service's database)";
}

export async function migrateQueueSchema(postgresUrl: string): Promise<void> {
  // One session, not a pool: the migration's lock and transaction must share it.
  const client = new pg.Client({ connectionString: postgresUrl });
  await client.connect();
  try {
    await runMigrations(client);
  } finally {
    await client.end();
  }
}
