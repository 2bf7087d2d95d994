import type { Context } from "hono";
import { sameOrigin } from "./same-origin.js";
import { requestRule } from "../signals/rules.js";

/**
 * Whether a one-visit page's POST (a confirmation, a check-in answer; src/pages/action-page.tsx)
 * is one a person's browser sent from our own page: not from another site (Fetch Metadata or
 * Origin, when the browser sends them), and not from a client that says it is a bot (a scanner
 * that runs the page's script, e.g. headless Chrome). Anything else changes nothing.
 */
export function isPersonsPost(c: Context, publicUrl: string): boolean {
  const crossSite = Boolean(c.req.header("origin") || c.req.header("sec-fetch-site")) && !sameOrigin(c.req.raw, publicUrl);
  return !crossSite && requestRule({ method: "POST", userAgent: c.req.header("user-agent") }) === undefined;
}
