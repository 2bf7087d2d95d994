import { Hono } from "hono";
import type postgres from "postgres";
import type { Database } from "../db/client.js";
import type { Logger } from "../logger.js";
import type { SequenceDefinition } from "../campaign/sequence.js";
import type { AdminSessionSettings } from "../http/admin-session.js";
import { requireAdmin, type AdminEnv } from "../http/admin-auth.js";
import type { ProcessMetrics } from "../metrics/process-metrics.js";
import type { Queues } from "../queue/queues.js";
import type { CredentialLimiter } from "../queue/rate-limiter.js";
import { adminApiRoutes } from "./admin-api.js";
import { adminLoginRoutes } from "./admin-login.js";
import { adminPageRoutes } from "./admin-pages.js";
import { adminQueueRoutes } from "./admin-queues.js";
import { metricsRoutes } from "./metrics.js";

export interface AdminRouteDeps {
  sql: postgres.Sql;
  db: Database;
  logger: Logger;
  queues: Queues;
  sequence: SequenceDefinition;
  metrics: ProcessMetrics;
  adminToken: string | undefined;
  metricsToken: string | undefined;
  session: AdminSessionSettings;
  trustProxy: boolean;
  /** Admin-token guesses per client: login attempts and failed Bearer checks. */
  loginLimiter: CredentialLimiter;
  transportName: string;
  clinicName: string;
}

/**
 * Everything an admin uses: /admin (dashboard and tools), /admin/api/stats, /admin/queues,
 * /metrics. Pages redirect to /admin/login without a session; the API answers 401.
 * (The data-rights JSON API, src/routes/data-rights.ts, is mounted on its own.)
 */
export function adminRoutes(deps: AdminRouteDeps) {
  const guesses = { limiter: deps.loginLimiter, trustProxy: deps.trustProxy };
  const settings = { token: deps.adminToken, session: deps.session, guesses };
  const pageAuth = requireAdmin({ ...settings, mode: "page" });
  const apiAuth = requireAdmin({ ...settings, mode: "api" });
  return new Hono<AdminEnv>()
    .route("/", adminLoginRoutes(deps, pageAuth))
    .route("/", adminApiRoutes(deps, apiAuth))
    .route("/", adminPageRoutes(deps, pageAuth))
    .route("/", adminQueueRoutes(deps.queues, pageAuth))
    .route("/", metricsRoutes(deps, requireAdmin({ ...settings, mode: "api", alsoBearer: deps.metricsToken })));
}
