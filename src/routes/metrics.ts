import { createHash, timingSafeEqual } from "node:crypto";
import { Hono, type MiddlewareHandler } from "hono";
import type { AdminEnv } from "../http/admin-auth.js";
import { renderMetrics, type ScrapeDeps } from "../metrics/scrape.js";

const digest = (value: string) => createHash("sha256").update(value).digest();

/**
 * GET /metrics for Prometheus: `Authorization: Bearer METRICS_TOKEN` (a token that opens nothing
 * else), or whatever opens the admin (ADMIN_TOKEN, the dashboard session).
 */
export function metricsRoutes(deps: ScrapeDeps & { metricsToken: string | undefined }, adminAuth: MiddlewareHandler<AdminEnv>) {
  const metricsToken = deps.metricsToken ? digest(deps.metricsToken) : undefined;
  const auth: MiddlewareHandler<AdminEnv> = async (c, next) => {
    const match = /^Bearer[ ]+([^\s]+)\s*$/i.exec(c.req.header("authorization") ?? "");
    if (metricsToken && match && timingSafeEqual(digest(match[1]!), metricsToken)) {
      c.set("admin", { via: "bearer" });
      return next();
    }
    return adminAuth(c, next);
  };
  return new Hono<AdminEnv>().get("/metrics", auth, async (c) => {
    const { contentType, body } = await renderMetrics(deps);
    c.header("Content-Type", contentType);
    c.header("Cache-Control", "no-store");
    return c.body(body);
  });
}
