import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import postgres from "postgres";
import type { TestProject } from "vitest/node";
import { createDb } from "../../src/db/client.js";
import { migrateDatabase } from "../../src/db/migrate.js";
import { migrateQueueSchema } from "../../src/queue/store.js";
import { databaseUrl, queuePrefix, templateName, TEST_DATABASE_URL, TEST_REDIS_URL } from "./env.js";

declare module "vitest" {
  export interface ProvidedContext {
    runId: string;
  }
}

/**
 * Once per `npm test`: a migrated template database that each test file clones (fast), and at
 * the end the removal of every database and Redis key this run made.
 */
export default async function setup(project: TestProject) {
  const runId = randomBytes(4).toString("hex");
  project.provide("runId", runId);
  const admin = postgres(TEST_DATABASE_URL, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${templateName(runId)}`);
  const template = createDb(databaseUrl(templateName(runId)), 2);
  await migrateDatabase(template);
  await template.close();
  // BullMQ's schema too, for the test project that runs the queue on Postgres.
  await migrateQueueSchema(databaseUrl(templateName(runId)));

  return async function teardown() {
    const databases = await admin<{ datname: string }[]>`
      select datname from pg_database where datname like ${`fur_%${runId}%`}`;
    for (const { datname } of databases) await admin.unsafe(`drop database if exists ${datname} with (force)`);
    await admin.end();
    const redis = new Redis(TEST_REDIS_URL);
    let cursor = "0";
    do {
      const [next, keys] = await redis.scan(cursor, "MATCH", `${queuePrefix(runId)}*`, "COUNT", 1000);
      if (keys.length > 0) await redis.unlink(...keys);
      cursor = next;
    } while (cursor !== "0");
    redis.disconnect();
  };
}
