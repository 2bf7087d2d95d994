import type { MiddlewareHandler } from "hono";
import { cors } from "hono/cors";

/**
 * Response headers for the JSON API (POST /api/subscribe, the signup hot path): the security
 * headers secureHeaders() sends on every other route and the embeddable form's CORS headers, set
 * with c.header() BEFORE the handler so they go out with the response it builds. hono's own
 * middlewares write c.res.headers, which makes @hono/node-server turn its light response into a
 * full WHATWG Response and stream the body from it (a measured cost); OPTIONS still go through cors().
 */
export const SECURITY_HEADERS: readonly (readonly [string, string])[] = [
  // hono's secureHeaders() defaults (hono/secure-headers), kept identical.
  ["Cross-Origin-Resource-Policy", "same-origin"],
  ["Cross-Origin-Opener-Policy", "same-origin"],
  ["Origin-Agent-Cluster", "?1"],
  ["Referrer-Policy", "no-referrer"],
  ["Strict-Transport-Security", "max-age=15552000; includeSubDomains"],
  ["X-Content-Type-Options", "nosniff"],
  ["X-DNS-Prefetch-Control", "off"],
  ["X-Download-Options", "noopen"],
  ["X-Frame-Options", "SAMEORIGIN"],
  ["X-Permitted-Cross-Domain-Policies", "none"],
  ["X-XSS-Protection", "0"],
];

export interface ApiHeadersOptions {
  /** ALLOWED_ORIGINS: sites whose pages may post to the API ("*" for any). */
  origins: string[];
}

export function apiHeaders(options: ApiHeadersOptions): MiddlewareHandler {
  const anyOrigin = options.origins.includes("*");
  const allowed = new Set(options.origins);
  const preflight = cors({
    origin: anyOrigin ? "*" : options.origins,
    allowMethods: ["POST", "OPTIONS"],
    allowHeaders: ["Content-Type"],
    maxAge: 600,
  });
  return async (c, next) => {
    if (c.req.method === "OPTIONS") return preflight(c, next);
    for (const [name, value] of SECURITY_HEADERS) c.header(name, value);
    const origin = c.req.header("origin");
    if (anyOrigin) c.header("Access-Control-Allow-Origin", "*");
    else {
      if (origin && allowed.has(origin)) c.header("Access-Control-Allow-Origin", origin);
      c.header("Vary", "Origin");
    }
    await next();
  };
}
