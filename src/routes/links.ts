import { Hono } from "hono";
import { recordFetch } from "../http/client-address.js";
import { linkGonePage, linkInvalidPage } from "../pages/link-pages.js";
import type { PageSettings } from "../pages/layout.js";
import { isLinkKey, linkTarget, type OutsideLinks } from "../signals/link-keys.js";
import type { LinkSignals } from "../signals/signals.js";
import { verifyToken } from "../tokens.js";

export interface LinkRouteDeps {
  appSecret: string;
  links: OutsideLinks;
  signals: LinkSignals;
  pages: PageSettings;
  trustProxy: boolean;
}

/**
 * GET /l/:token, an outside link of one of our emails (DESIGN.md "Signals"): the fetch is recorded
 * for that email (src/signals/rules.ts judges it) and redirected to what the link's key names in the
 * configuration now: no third party learns who read what (no-referrer keeps the token from it).
 */
export function linkRoutes(deps: LinkRouteDeps) {
  return new Hono().get("/l/:token", async (c) => {
    const check = verifyToken(deps.appSecret, c.req.param("token"), "link");
    if (!check.ok || !check.detail || !isLinkKey(check.detail)) return linkInvalidPage(c, deps.pages);
    const target = linkTarget(deps.links, check.detail);
    if (!target) return linkGonePage(c, deps.pages);
    await recordFetch(c, deps, { link: check.detail, deliveryId: Number(check.subject) });
    c.header("Cache-Control", "private, no-store");
    return c.redirect(target, 302);
  });
}
