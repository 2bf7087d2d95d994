import { Hono, type MiddlewareHandler } from "hono";
import type { AdminEnv } from "../http/admin-auth.js";
import { renderMetrics, type ScrapeDeps } from "../metrics/scrape.js";

/**
 * GET /metrics for Prometheus. `auth` takes `Authorization: Bearer METRICS_TOKEN` (a token that
 * opens nothing else) besides whatever opens the admin (src/routes/admin.ts builds it).
 */
export function metricsRoutes(deps: ScrapeDeps, auth: MiddlewareHandler<AdminEnv>) {
  return new Hono<AdminEnv>().get("/metrics", auth, async (c) => {
    const { contentType, body } = await renderMetrics(deps);
    c.header("Content-Type", contentType);
    c.header("Cache-Control", "no-store");
    return c.body(body);
  });
}
