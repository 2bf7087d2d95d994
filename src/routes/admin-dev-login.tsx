/** @jsxImportSource hono/jsx */
import { Hono } from "hono";
import type { Database } from "../db/client.js";
import type { Logger } from "../logger.js";
import { recordAdminAction } from "../audit/audit.js";
import type { DevLoginLinks } from "../admin/dev-login.js";
import { DevLoginPage } from "../admin/views/pages.js";
import { startAdminSession, type AdminSessionSettings } from "../http/admin-session.js";
import { clientAddress } from "../http/client-address.js";

export interface DevLoginRouteDeps {
  db: Database;
  logger: Logger;
  links: DevLoginLinks;
  /** The development ADMIN_TOKEN the session is signed for (src/secret.ts). */
  adminToken: string;
  session: AdminSessionSettings;
  trustProxy: boolean;
  clinicName: string;
  /** Where the token is kept, for the page that explains a spent link. */
  tokenFile: string;
}

/**
 * GET /admin/dev-login/:link, development only (mounted only when bootstrap made the token): the
 * one-time link printed at start sets the ordinary admin session cookie (src/http/admin-session.ts)
 * and sends the browser to the dashboard through a page with a meta refresh, not a redirect: the
 * cookie is SameSite=Strict, and a redirect inherits the site of the page the link was clicked on
 * (a chat, a mail client), which would keep the fresh cookie off the very next request.
 */
export function adminDevLoginRoutes(deps: DevLoginRouteDeps) {
  return new Hono().get("/admin/dev-login/:link", async (c) => {
    c.header("Cache-Control", "no-store");
    c.header("X-Robots-Tag", "noindex");
    const ip = clientAddress(c, deps.trustProxy);
    const check = deps.links.redeem(c.req.param("link"));
    if (!check.ok) {
      await recordAdminAction(deps, { actor: "anonymous", clientAddress: ip, action: "login.dev_link_refused", detail: { reason: check.reason } });
      const status = check.reason === "used" || check.reason === "expired" ? 410 : 403;
      return c.html(<DevLoginPage ok={false} reason={check.reason} tokenFile={deps.tokenFile} clinicName={deps.clinicName} />, status);
    }
    await startAdminSession(c, deps.adminToken, deps.session);
    await recordAdminAction(deps, { actor: "admin (dev link)", clientAddress: ip, action: "login" });
    return c.html(<DevLoginPage ok={true} tokenFile={deps.tokenFile} clinicName={deps.clinicName} />);
  });
}
