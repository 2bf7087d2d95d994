import { Hono } from "hono";
import { recordRefusal } from "../audit/audit.js";
import { requireAdmin, type AdminEnv, type GuessLimit } from "../http/admin-auth.js";
import type { ScrapeDeps } from "../metrics/scrape.js";
import type { SecretBox } from "../notify/secret-box.js";
import type { Resolve } from "../notify/public-address.js";
import type { Queues } from "../queue/queues.js";
import type { CredentialLimiter } from "../queue/rate-limiter.js";
import { adminApiRoutes } from "./admin-api.js";
import { conversionsApi } from "./conversions-api.js";
import { adminLoginRoutes, type AdminLoginDeps } from "./admin-login.js";
import { adminPageRoutes, type AdminPageDeps } from "./admin-pages.js";
import { adminQueueRoutes } from "./admin-queues.js";
import { metricsRoutes } from "./metrics.js";
import { adminWebhookPages } from "./admin-webhooks.js";
import { webhookEndpointsApi } from "./webhook-endpoints-api.js";

export interface AdminRouteDeps extends AdminLoginDeps, AdminPageDeps, ScrapeDeps {
  queues: Queues;
  metricsToken: string | undefined;
  /** Failed Bearer checks per client: a budget of its own (src/http/admin-auth.ts says why). */
  bearerLimiter: CredentialLimiter;
  /** Outgoing endpoints: URL checks (WEBHOOK_ALLOW_PRIVATE_URLS, the resolver) and secret sealing. */
  webhookEndpoints: { allowPrivate: boolean; resolve: Resolve; secrets: SecretBox };
}

/**
 * Everything an admin uses: /admin (dashboard and tools), /admin/api/stats, the outgoing webhooks'
 * API and page (/admin/api/webhook-*, /admin/webhooks), /admin/queues, /metrics. Without a session
 * pages go to /admin/login, the API answers 401 (the data-rights API is mounted apart: data-rights.ts).
 */
export function adminRoutes(deps: AdminRouteDeps) {
  const guesses: GuessLimit = {
    limiter: deps.bearerLimiter,
    trustProxy: deps.trustProxy,
    onRefused: (client, action) => recordRefusal(deps, action, client),
  };
  const settings = { token: deps.adminToken, session: deps.session, guesses };
  const pageAuth = requireAdmin({ ...settings, mode: "page" });
  const apiAuth = requireAdmin({ ...settings, mode: "api" });
  const webhooks = { ...deps, ...deps.webhookEndpoints };
  return new Hono<AdminEnv>()
    .route("/", adminLoginRoutes(deps, pageAuth))
    .route("/", adminApiRoutes(deps, apiAuth))
    .route("/", conversionsApi(deps, apiAuth))
    .route("/", webhookEndpointsApi(webhooks, apiAuth))
    .route("/", adminPageRoutes(deps, pageAuth))
    .route("/", adminWebhookPages(webhooks, pageAuth))
    .route("/", adminQueueRoutes(deps.queues, pageAuth))
    .route("/", metricsRoutes(deps, requireAdmin({ ...settings, mode: "api", alsoBearer: deps.metricsToken })));
}
