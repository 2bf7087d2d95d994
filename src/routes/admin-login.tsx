/** @jsxImportSource hono/jsx */
import { Hono, type MiddlewareHandler } from "hono";
import type { Database } from "../db/client.js";
import type { Logger } from "../logger.js";
import { recordAdminAction, recordRefusal } from "../audit/audit.js";
import { LoginPage } from "../admin/views/pages.js";
import { adminActor, isAdminToken, type AdminEnv } from "../http/admin-auth.js";
import {
  revokeAdminSession,
  revokeEveryAdminSession,
  startAdminSession,
  type AdminSessionSettings,
} from "../http/admin-session.js";
import { clientAddress } from "../http/client-address.js";
import { sameOrigin } from "../http/same-origin.js";
import { ApiError } from "../http/errors.js";
import { readFormFields } from "../http/request-body.js";
import type { CredentialLimiter } from "../queue/rate-limiter.js";

export interface AdminLoginDeps {
  db: Database;
  logger: Logger;
  adminToken: string | undefined;
  session: AdminSessionSettings;
  trustProxy: boolean;
  /**
   * Login attempts per client address (the queue store's limiter, shared by every API process).
   * Failed Bearer checks have a budget of their own (src/http/admin-auth.ts).
   */
  loginLimiter: CredentialLimiter;
  clinicName: string;
}

/**
 * Only our own pages: "/admin…" in RFC 3986 path and query characters (unreserved, sub-delims, ":",
 * "@", "/", "?", "%"); never "//host" or a full URL (an open redirect), a backslash (browsers read
 * "\\" as "/") or a control character (a CR/LF in Location made hono throw, a 500: issue 17).
 */
export function safeNext(value: unknown): string {
  return typeof value === "string" &&
    value.length <= 2048 &&
    /^\/admin(\/|\?|$)/.test(value) &&
    /^[A-Za-z0-9\-._~!$&'()*+,;=:@\/?%]*$/.test(value) &&
    !value.startsWith("//")
    ? value
    : "/admin";
}

/**
 * GET/POST /admin/login (the password is ADMIN_TOKEN, compared in constant time), POST
 * /admin/logout (the session is revoked server-side, not only its cookie cleared) and POST
 * /admin/logout-everywhere (every session issued until now). Each login attempt counts against the
 * client's limit before the password is looked at, so guessing stays slow however it goes.
 */
export function adminLoginRoutes(deps: AdminLoginDeps, auth: MiddlewareHandler<AdminEnv>) {
  const page = (next: string, error?: string) => (
    <LoginPage next={next} error={error} closed={!deps.adminToken} clinicName={deps.clinicName} />
  );
  return new Hono<AdminEnv>()
    .get("/admin/login", (c) => {
      c.header("Cache-Control", "no-store");
      return c.html(page(safeNext(c.req.query("next"))), deps.adminToken ? 200 : 503);
    })
    .post("/admin/login", async (c) => {
      c.header("Cache-Control", "no-store");
      // Only our own login form posts here (login CSRF).
      if ((c.req.header("origin") || c.req.header("sec-fetch-site")) && !sameOrigin(c.req.raw, deps.session.publicUrl)) {
        throw new ApiError("forbidden", "This request did not come from the login page.");
      }
      if (!deps.adminToken) return c.html(page("/admin"), 503);
      const ip = clientAddress(c, deps.trustProxy);
      const limit = await deps.loginLimiter.consume(ip ?? "unknown");
      if (!limit.allowed) {
        // Counted in one audit row per client and window, not a row each (issue 30).
        await recordRefusal(deps, "login.rate_limited", ip);
        c.header("Retry-After", String(limit.retryAfterSeconds));
        return c.html(page("/admin", `Too many attempts. Try again in ${Math.ceil(limit.retryAfterSeconds / 60)} minutes.`), 429);
      }
      // No form, or an unreadable one, is just a failed attempt.
      const form = (await readFormFields(c)) ?? {};
      const next = safeNext(form.next);
      const password = form.password ?? "";
      if (!isAdminToken(deps.adminToken, password)) {
        await recordAdminAction(deps, { actor: "anonymous", clientAddress: ip, action: "login.failed" });
        return c.html(page(next, "That is not the admin token."), 401);
      }
      await startAdminSession(c, deps.adminToken, deps.session);
      await recordAdminAction(deps, { actor: "admin (session)", clientAddress: ip, action: "login" });
      return c.redirect(next, 303);
    })
    .post("/admin/logout", auth, async (c) => {
      if (deps.adminToken) await revokeAdminSession(c, deps.adminToken, deps.session);
      await recordAdminAction(deps, { ...adminActor(c, deps.trustProxy), action: "logout" });
      return c.redirect("/admin/login", 303);
    })
    .post("/admin/logout-everywhere", auth, async (c) => {
      await revokeEveryAdminSession(c, deps.session);
      await recordAdminAction(deps, { ...adminActor(c, deps.trustProxy), action: "logout.everywhere" });
      return c.redirect("/admin/login", 303);
    });
}
