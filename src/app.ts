import { Hono } from "hono";
import { cors } from "hono/cors";
import { secureHeaders } from "hono/secure-headers";
import type { Logger } from "./logger.js";
import { createErrorHandler, errorBody } from "./http/errors.js";
import { healthRoutes, type HealthDeps } from "./routes/health.js";
import { pageRoutes } from "./routes/pages.js";
import { subscribeRoute, type SubscribeDeps } from "./routes/subscribe.js";

export interface AppDeps {
  logger: Logger;
  allowedOrigins: string[];
  subscribe: SubscribeDeps;
  health: HealthDeps;
}

/** The HTTP app: routes mounted, dependencies injected, no I/O at import time. */
export function createApp(deps: AppDeps) {
  const app = new Hono();
  app.use(secureHeaders());
  // The embeddable form posts from the clinic's own site (ALLOWED_ORIGINS).
  app.use(
    "/api/*",
    cors({
      origin: deps.allowedOrigins.includes("*") ? "*" : deps.allowedOrigins,
      allowMethods: ["POST", "OPTIONS"],
      allowHeaders: ["Content-Type"],
      maxAge: 600,
    }),
  );
  app.route("/", pageRoutes());
  app.route("/", subscribeRoute(deps.subscribe));
  app.route("/", healthRoutes(deps.health));
  app.notFound((c) => c.json(errorBody("not_found", "Not found."), 404));
  app.onError(createErrorHandler(deps.logger));
  return app;
}
