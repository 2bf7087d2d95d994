import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import postgres from "postgres";
import type { TestProject } from "vitest/node";
import { createDb } from "../../src/db/client.js";
import { migrateDatabase } from "../../src/db/migrate.js";
import { migrateQueueSchema } from "../../src/queue/store.js";
import { databaseUrl, queuePrefix, templateName } from "./env.js";
import { acquireServices, releaseServices } from "./services.js";

/**
 * Once per test project and `npm test`: the services (found or started, tests/support/services.ts)
 * handed to every test file (`inject("services")`, tests/support/env.ts), a migrated template
 * database that each test file clones (fast), and at the end the removal of every database and
 * Redis key this run made.
 */
export default async function setup(project: TestProject) {
  const services = await acquireServices({ redis: project.name === "redis" });
  const runId = randomBytes(4).toString("hex");
  project.provide("runId", runId);
  project.provide("services", services);
  const admin = postgres(services.databaseUrl, { max: 1, onnotice: () => {} });
  try {
    const template = databaseUrl(templateName(runId), services.databaseUrl);
    await admin.unsafe(`create database ${templateName(runId)}`);
    const db = createDb(template, 2);
    await migrateDatabase(db);
    await db.close();
    // BullMQ's schema too, for the test project that runs the queue on Postgres.
    await migrateQueueSchema(template);
  } catch (error) {
    await admin.end();
    await releaseServices();
    throw error;
  }

  return async function teardown() {
    try {
      const databases = await admin<{ datname: string }[]>`
        select datname from pg_database where datname like ${`fur_%${runId}%`}`;
      for (const { datname } of databases) await admin.unsafe(`drop database if exists ${datname} with (force)`);
      await admin.end();
      if (services.redisUrl) await removeKeys(services.redisUrl, `${queuePrefix(runId)}*`);
    } finally {
      await releaseServices();
    }
  };
}

async function removeKeys(url: string, pattern: string): Promise<void> {
  const redis = new Redis(url);
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", pattern, "COUNT", 1000);
    if (keys.length > 0) await redis.unlink(...keys);
    cursor = next;
  } while (cursor !== "0");
  redis.disconnect();
}
