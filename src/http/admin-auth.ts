import { createHash, timingSafeEqual } from "node:crypto";
import type { MiddlewareHandler } from "hono";
import { ApiError } from "./errors.js";
import { readAdminSession, sameOrigin, type AdminIdentity, type AdminSessionSettings } from "./admin-session.js";

export interface AdminAuthOptions {
  /** ADMIN_TOKEN; undefined keeps every admin route closed. */
  token: string | undefined;
}

const digest = (value: string) => createHash("sha256").update(value).digest();

/**
 * `Authorization: Bearer ADMIN_TOKEN` (RFC 6750) for the admin API. Both sides are hashed before
 * the constant-time compare, so neither the token's characters nor its length leak through
 * timing. With no ADMIN_TOKEN the admin API is closed: every request is refused.
 */
export function adminAuth(options: AdminAuthOptions): MiddlewareHandler {
  const expected = options.token ? digest(options.token) : undefined;
  return async function adminAuthMiddleware(c, next) {
    if (!expected) {
      throw new ApiError("unauthorized", "The admin API is closed: set ADMIN_TOKEN to open it.", undefined, {
        "WWW-Authenticate": 'Bearer realm="admin"',
      });
    }
    const match = /^Bearer[ ]+([^\s]+)\s*$/i.exec(c.req.header("authorization") ?? "");
    const given = digest(match?.[1] ?? "");
    if (!match || !timingSafeEqual(given, expected)) {
      throw new ApiError("unauthorized", "Missing or invalid admin token.", undefined, {
        "WWW-Authenticate": 'Bearer realm="admin", error="invalid_token"',
      });
    }
    await next();
  };
}

/**
 * Everything under /admin (and /metrics) for the dashboard: `requireAdmin` accepts the Bearer
 * token (the JSON API, scripts, Prometheus) or the signed session cookie set by the login page
 * (src/http/admin-session.ts). Pages send a visitor without either to the login page; the API
 * answers 401.
 */
export interface RequireAdminOptions {
  token: string | undefined;
  session: AdminSessionSettings;
  /** "page": redirect to the login page; "api": 401 JSON. */
  mode: "page" | "api";
}

export type AdminEnv = { Variables: { admin: AdminIdentity } };

export function requireAdmin(options: RequireAdminOptions): MiddlewareHandler<AdminEnv> {
  const expected = options.token ? digest(options.token) : undefined;
  return async function requireAdminMiddleware(c, next) {
    const header = c.req.header("authorization");
    if (expected && header !== undefined) {
      const match = /^Bearer[ ]+([^\s]+)\s*$/i.exec(header);
      if (match && timingSafeEqual(digest(match[1]!), expected)) {
        c.set("admin", { via: "bearer" });
        return next();
      }
      throw new ApiError("unauthorized", "Missing or invalid admin token.", undefined, {
        "WWW-Authenticate": 'Bearer realm="admin", error="invalid_token"',
      });
    }
    if (expected && (await readAdminSession(c, options.token!, options.session))) {
      // CSRF: the cookie is SameSite=Strict, and a state-changing request must also come from
      // our own pages (Origin, or Referer when a browser sends no Origin) — OWASP's defence in depth.
      if (!["GET", "HEAD", "OPTIONS"].includes(c.req.method) && !sameOrigin(c.req.raw, options.session.publicUrl)) {
        throw new ApiError("forbidden", "This request did not come from the admin pages.");
      }
      c.set("admin", { via: "session" });
      return next();
    }
    if (options.mode === "page" && (c.req.method === "GET" || c.req.method === "HEAD")) {
      const target = c.req.path + (new URL(c.req.url).search || "");
      return c.redirect(`/admin/login?next=${encodeURIComponent(target)}`, 303);
    }
    throw new ApiError(
      "unauthorized",
      expected ? "Log in at /admin/login or send Authorization: Bearer ADMIN_TOKEN." : "The admin is closed: set ADMIN_TOKEN to open it.",
      undefined,
      { "WWW-Authenticate": 'Bearer realm="admin"' },
    );
  };
}

/** Constant-time check of a login password against ADMIN_TOKEN (both hashed first, as above). */
export function isAdminToken(token: string | undefined, given: string): boolean {
  if (!token) return false;
  return timingSafeEqual(digest(given), digest(token));
}
