import path from "node:path";
import { bootstrap, prepareStores } from "./src/bootstrap.js";
import { createDeps } from "./src/deps.js";
import { devLoginPath, LINK_MINUTES } from "./src/admin/dev-login.js";
import { STARTED, startupBanner, startupFields, type StartupFacts } from "./src/banner.js";
import { DEVELOPMENT_ADMIN_TOKEN_FILE } from "./src/secret.js";

/**
 * `npm start` (API + workers), `npm run start:api`, `npm run start:worker`.
 * Config is parsed once here and everything else receives it.
 */
const mode = process.argv[2] ?? "all";
if (!["all", "api", "worker"].includes(mode)) {
  process.stderr.write(`Unknown mode "${mode}": use api, worker or nothing for both.\n`);
  process.exit(2);
}

const { config, logger, embedded, logFormat } = await bootstrap(process.env);

try {
  await prepareStores(config, logger);
} catch (error) {
  logger.fatal((error as Error).message);
  await embedded?.stop();
  process.exit(1);
}
const deps = createDeps(config, logger);

// Each half loads only its own code: a worker process never loads the HTTP routes, and the
// API process never loads the workers.
const api = mode === "worker" ? undefined : await import("./src/server.js").then((m) => m.startApi(deps));
const workers =
  mode === "api"
    ? undefined
    : await import("./workers/index.js").then((m) =>
        m.startWorkers(deps, { concurrency: config.workerConcurrency, reconcileEveryMs: 5000 }),
      );

// What runs and where, once everything is up. The one-time admin link is minted by the process
// that serves it (src/admin/dev-login.ts keeps its nonce in memory).
const facts: StartupFacts = {
  mode: mode as StartupFacts["mode"],
  env: config.env,
  publicUrl: config.publicUrl,
  embedded: embedded ? { dataDir: config.dataDir, port: config.embeddedPgPort } : undefined,
  databaseUrl: config.databaseUrl,
  queueBackend: config.queueBackend,
  redisUrl: config.redisUrl,
  transport: deps.transport.name,
  admin:
    api && deps.devLogin
      ? {
          kind: "link",
          url: `${config.publicUrl}${devLoginPath(deps.devLogin.mint())}`,
          minutes: LINK_MINUTES,
          tokenFile: path.join(config.dataDir, DEVELOPMENT_ADMIN_TOKEN_FILE),
        }
      : config.adminToken
        ? { kind: "token" }
        : { kind: "closed" },
};
if (logFormat === "pretty") process.stdout.write(startupBanner(facts));
else logger.info({ mode, transport: deps.transport.name, ...startupFields(facts) }, STARTED);

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, "shutting down: finishing the requests and jobs in hand");
  const force = setTimeout(() => {
    logger.error("shutdown took longer than 25 s; exiting");
    process.exit(1);
  }, 25_000);
  force.unref();
  await api?.close();
  await workers?.close();
  await deps.close();
  await embedded?.stop();
  process.exit(0);
}
process.on("SIGTERM", () => void shutdown("SIGTERM"));
process.on("SIGINT", () => void shutdown("SIGINT"));
