import { Hono } from "hono";
import { except } from "hono/combine";
import { secureHeaders } from "hono/secure-headers";
import type { Logger } from "./logger.js";
import { apiHeaders } from "./http/api-headers.js";
import { requestBodyLimits } from "./http/body-limit.js";
import { contentSecurity } from "./http/content-security.js";
import { textInput } from "./http/text-input.js";
import { createErrorHandler, errorBody } from "./http/errors.js";
import { healthRoutes, type HealthDeps } from "./routes/health.js";
import { guideRoutes, type GuideRouteDeps } from "./routes/guide.js";
import { pageRoutes } from "./routes/pages.js";
import type { PageSettings } from "./pages/layout.js";
import { subscribeRoute, type SubscribeDeps } from "./routes/subscribe.js";
import { confirmRoutes, type ConfirmDeps } from "./routes/confirm.js";
import { dataRightsRoutes, type DataRightsRouteDeps } from "./routes/data-rights.js";
import { adminRoutes, type AdminRouteDeps } from "./routes/admin.js";
import { adminDevLoginRoutes, type DevLoginRouteDeps } from "./routes/admin-dev-login.js";
import { unsubscribeRoutes, type UnsubscribeDeps } from "./routes/unsubscribe.js";
import { webhookRoutes, type WebhookDeps } from "./routes/webhooks.js";
import { linkRoutes, type LinkRouteDeps } from "./routes/links.js";
import { checkInRoutes, type CheckInRouteDeps } from "./routes/check-in.js";

export interface AppDeps {
  logger: Logger;
  allowedOrigins: string[];
  subscribe: SubscribeDeps;
  pages: PageSettings;
  guide: GuideRouteDeps;
  health: HealthDeps;
  unsubscribe: UnsubscribeDeps;
  confirm: ConfirmDeps;
  links: LinkRouteDeps;
  checkIn: CheckInRouteDeps;
  webhooks: WebhookDeps;
  dataRights: DataRightsRouteDeps;
  admin: AdminRouteDeps;
  /** Development only: the one-time admin login link (absent in production). */
  devLogin?: DevLoginRouteDeps | undefined;
}

/** The HTTP app: routes mounted, dependencies injected, no I/O at import time. */
export function createApp(deps: AppDeps) {
  const app = new Hono();
  // The API sets the same security headers and its CORS headers up front (the signup hot path:
  // src/http/api-headers.ts says why); every other route gets hono's secureHeaders().
  app.use("/api/*", apiHeaders({ origins: deps.allowedOrigins }));
  app.use(except("/api/*", secureHeaders()));
  // Every HTML response gets a CSP (src/http/content-security.ts), but not /api/*: reading headers there
  // costs the hot path what api-headers.ts avoids; its one page (the form again) sets its own CSP.
  app.use(except("/api/*", contentSecurity()));
  // Every body is limited before any route can read it (src/http/body-limit.ts).
  app.use(requestBodyLimits());
  // Then every text field is checked once for what PostgreSQL cannot store (src/http/text-input.ts).
  // Signed provider events are exempt: one that cannot be processed is stored as such, never refused.
  app.use(textInput({ except: ["/webhooks/resend"] }));
  app.route("/", pageRoutes(deps.pages));
  app.route("/", guideRoutes(deps.guide));
  app.route("/", subscribeRoute(deps.subscribe));
  app.route("/", unsubscribeRoutes(deps.unsubscribe));
  app.route("/", confirmRoutes(deps.confirm));
  app.route("/", linkRoutes(deps.links));
  app.route("/", checkInRoutes(deps.checkIn));
  app.route("/", webhookRoutes(deps.webhooks));
  app.route("/", dataRightsRoutes(deps.dataRights));
  app.route("/", adminRoutes(deps.admin));
  if (deps.devLogin) app.route("/", adminDevLoginRoutes(deps.devLogin));
  app.route("/", healthRoutes(deps.health));
  app.notFound((c) => c.json(errorBody("not_found", "Not found."), 404));
  app.onError(createErrorHandler(deps.logger));
  return app;
}
