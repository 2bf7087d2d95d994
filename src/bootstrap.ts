import { ConfigError, parseConfig, type Config } from "./config.js";
import { createConsoleLogger, logFormat, type Logger } from "./logger.js";
import { DEVELOPMENT_ADMIN_TOKEN_FILE, developmentAdminToken, developmentSecret } from "./secret.js";
import type { ReadyConfig } from "./deps.js";
import { createDb } from "./db/client.js";
import { migrateDatabase } from "./db/migrate.js";
import { prepareQueueStore } from "./queue/store.js";

export function loadConfigOrExit(env: Record<string, string | undefined>): Config {
  try {
    return parseConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
}

/**
 * What every entry point does first: parse the config (one clear line and exit 1 if wrong), make a
 * logger, resolve the zero-set-up defaults (embedded Postgres, dev secret). `options.admin`: this
 * process serves the admin (the service, the demo); a one-shot command like `npm run db:migrate`
 * passes false, needing no development admin token. `logFormat` "pretty": a person reads the banner.
 */
export async function bootstrap(env: Record<string, string | undefined>, options: { admin?: boolean } = {}) {
  const config = loadConfigOrExit(env);
  const format = logFormat(config.env, process.stdout.isTTY === true);
  const logger = await createConsoleLogger(config.logLevel, format);
  // Loaded only when needed: production images leave the embedded binaries out.
  const embedded = config.databaseUrl
    ? undefined
    : await import("./db/embedded.js").then((m) => m.startEmbeddedPostgres(config.dataDir, config.embeddedPgPort, logger));
  let appSecret = config.appSecret;
  if (!appSecret) {
    appSecret = await developmentSecret(config.dataDir);
    logger.warn(`APP_SECRET is not set: using a development secret kept in ${config.dataDir}/app-secret`);
  }
  // No ADMIN_TOKEN: closed in production; elsewhere a newcomer gets a token and login link (issue 18).
  let adminToken = config.adminToken;
  const developmentAdmin = !adminToken && config.env !== "production" && options.admin !== false;
  if (developmentAdmin) {
    adminToken = await developmentAdminToken(config.dataDir);
    logger.warn(`ADMIN_TOKEN is not set: using a development admin token kept in ${config.dataDir}/${DEVELOPMENT_ADMIN_TOKEN_FILE}`);
  }
  const databaseUrl = config.databaseUrl ?? embedded!.url;
  return { config: { ...config, databaseUrl, appSecret, adminToken, developmentAdmin }, logger, embedded, logFormat: format };
}

/** Migrates our schema, then readies the queue store (Redis answers / BullMQ's schema exists). */
export async function prepareStores(config: ReadyConfig, logger: Logger): Promise<void> {
  // migrateDatabase holds its lock on one connection and migrates on drizzle's pool.
  const db = createDb(config.databaseUrl, 2);
  try {
    await migrateDatabase(db);
  } finally {
    await db.close();
  }
  logger.info(await prepareQueueStore(config.queueBackend, config.redisUrl, config.databaseUrl));
}
