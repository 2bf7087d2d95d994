import { bootstrap } from "../bootstrap.js";
import { createDb } from "./client.js";
import { migrateDatabase } from "./migrate.js";

/** `npm run db:migrate`: applies the SQL in drizzle/ (also done at every start). */
const { config, logger, embedded } = await bootstrap(process.env);
const db = createDb(config.databaseUrl, 1);
try {
  await migrateDatabase(db);
  logger.info("database migrated");
} finally {
  await db.close();
  await embedded?.stop();
}
