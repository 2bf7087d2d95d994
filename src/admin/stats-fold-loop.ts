import type postgres from "postgres";
import type { Logger } from "../logger.js";
import { foldStats } from "../db/queries/stats.js";

/**
 * The stats fold loop: keeps the stats rollup caught up by folding the marked subscribers every
 * `everyMs` (one process at a time, an advisory lock decides). Reads are exact without it; it
 * keeps them fast (a read adds the unfolded subscribers itself). Runs in the worker process.
 */
export function startStatsFoldLoop(sql: postgres.Sql, logger: Logger, everyMs = 1000) {
  let running: Promise<void> | undefined;
  let stopped = false;
  const tick = () => {
    if (running || stopped) return;
    running = foldStats(sql)
      .then(() => undefined)
      .catch((error: unknown) => logger.warn({ err: error }, "stats fold failed; the next one retries"))
      .finally(() => {
        running = undefined;
      });
  };
  const timer = setInterval(tick, everyMs);
  timer.unref();
  tick();
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
