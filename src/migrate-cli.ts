import { bootstrap } from "./bootstrap.js";
import { createDb } from "./db/client.js";
import { migrateDatabase } from "./db/migrate.js";
import { migrateQueueSchema } from "./queue/store.js";

/** `npm run db:migrate`: applies the SQL in drizzle/ (also done at every start). */
const { config, logger, embedded } = await bootstrap(process.env, { admin: false });
const db = createDb(config.databaseUrl, 2);
try {
  await migrateDatabase(db);
  // BullMQ's own schema, used when the queue runs on Postgres; harmless (and ready) otherwise.
  await migrateQueueSchema(config.databaseUrl);
  logger.info("database migrated");
} finally {
  await db.close();
  await embedded?.stop();
}
