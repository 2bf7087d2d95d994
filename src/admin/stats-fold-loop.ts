import type postgres from "postgres";
import type { Logger } from "../logger.js";
import { foldStats } from "../db/queries/stats.js";

/**
 * Folds marked subscribers into the stats rollup every `everyMs` in the worker (one process at a time,
 * by advisory lock). Reads are exact without it (they add the unfolded themselves); it keeps them fast.
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
