import type { MiddlewareHandler } from "hono";

/**
 * Every HTML response carries a Content-Security-Policy from this one middleware (issue 17: the
 * unsubscribe, confirm and login pages and the queue UI went out without one). A page that needs
 * its own sets it (reader pages allow their inline style and script by hash, src/pages/assets.ts;
 * the outbox viewer's email is a sandbox); other text/html gets its area's policy below, so a new
 * page, or HTML a library renders (the queue UI), cannot go out without one.
 */

/**
 * The admin's pages and queue UI: scripts and styles from this origin only (the admin's stylesheet and
 * bull-board's style attributes are inline); no outside fonts (personal data here: no third party).
 */
export const ADMIN_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; " +
  "connect-src 'self'; frame-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/**
 * The queue UI (bull-board) sets `<base href="/admin/queues/">` and loads its scripts relative
 * to it, so `base-uri` must allow this origin there; everything else is the admin's policy.
 */
export const QUEUE_UI_CSP = ADMIN_CSP.replace("base-uri 'none'", "base-uri 'self'");

/** Anything else: nothing may load or run, and no other site may frame it. */
export const FALLBACK_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'self'; frame-ancestors 'self'";

export function policyFor(path: string): string {
  if (path === "/admin/queues" || path.startsWith("/admin/queues/")) return QUEUE_UI_CSP;
  return path === "/admin" || path.startsWith("/admin/") ? ADMIN_CSP : FALLBACK_CSP;
}

/**
 * The admin pages' headers: ADMIN_CSP, and neither a cache (the pages that show a secret must
 * never be kept by a cache or the browser's history store) nor a search engine keeps them.
 */
export const adminPageHeaders: MiddlewareHandler = async (c, next) => {
  await next();
  c.header("Content-Security-Policy", ADMIN_CSP);
  c.header("Cache-Control", "no-store");
  c.header("X-Robots-Tag", "noindex");
};

export function contentSecurity(): MiddlewareHandler {
  return async function contentSecurity(c, next) {
    await next();
    const type = c.res.headers.get("content-type") ?? "";
    if (!type.toLowerCase().startsWith("text/html")) return;
    if (!c.res.headers.has("content-security-policy")) c.res.headers.set("Content-Security-Policy", policyFor(c.req.path));
  };
}
