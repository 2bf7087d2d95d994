import type { Context } from "hono";
import { sameOrigin } from "./same-origin.js";
import { requestRule } from "../signals/rules.js";

/**
 * Whether a one-visit page's POST (a confirmation, a check-in answer; src/pages/action-page.tsx)
 * came from a person's browser on our page: not another site (Fetch Metadata or Origin, when sent),
 * not a self-declared bot (a scanner running the page's script, e.g. headless Chrome). Else no change.
 */
export function isPersonsPost(c: Context, publicUrl: string): boolean {
  const crossSite = Boolean(c.req.header("origin") || c.req.header("sec-fetch-site")) && !sameOrigin(c.req.raw, publicUrl);
  return !crossSite && requestRule({ method: "POST", userAgent: c.req.header("user-agent") }) === undefined;
}
