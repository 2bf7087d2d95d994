import { Hono, type MiddlewareHandler } from "hono";
import { campaignStats, filterFromQuery, statsQuerySchema, type StatsDeps } from "../admin/stats.js";
import type { AdminEnv } from "../http/admin-auth.js";
import { validate } from "../http/validate.js";

/**
 * GET /admin/api/stats?from=YYYY-MM-DD&to=YYYY-MM-DD&source=…&utm_source=…&utm_medium=…&utm_campaign=…
 * (Bearer ADMIN_TOKEN or the dashboard session). `(none)` matches subscribers without that value.
 */
export function adminApiRoutes(deps: StatsDeps, auth: MiddlewareHandler<AdminEnv>) {
  return new Hono<AdminEnv>().get("/admin/api/stats", auth, validate("query", statsQuerySchema), async (c) => {
    c.header("Cache-Control", "no-store");
    return c.json(await campaignStats(deps, filterFromQuery(c.req.valid("query"))));
  });
}
