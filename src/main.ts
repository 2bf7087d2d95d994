import { bootstrap, prepareStores } from "./bootstrap.js";
import { createDeps } from "./deps.js";

/**
 * `npm start` (API + workers), `npm run start:api`, `npm run start:worker`.
 * Config is parsed once here and everything else receives it.
 */
const mode = process.argv[2] ?? "all";
if (!["all", "api", "worker"].includes(mode)) {
  process.stderr.write(`Unknown mode "${mode}": use api, worker or nothing for both.\n`);
  process.exit(2);
}

const { config, logger, embedded } = await bootstrap(process.env);

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
const api = mode === "worker" ? undefined : await import("./server.js").then((m) => m.startApi(deps));
const workers =
  mode === "api"
    ? undefined
    : await import("../workers/index.js").then((m) =>
        m.startWorkers(deps, { concurrency: config.workerConcurrency, reconcileEveryMs: 5000 }),
      );
logger.info({ mode, transport: deps.transport.name }, "Flare-Up Reset is running");

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
