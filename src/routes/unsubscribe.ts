import { Hono } from "hono";
import { activate, type ActivationDeps } from "../campaign/activate.js";
import { unsubscribe, unsubscribePageState } from "../campaign/unsubscribe.js";
import { recordFetch, requester } from "../http/client-address.js";
import { ApiError } from "../http/errors.js";
import { readFormFields } from "../http/request-body.js";
import { sameOrigin } from "../http/same-origin.js";
import type { PageSettings } from "../pages/layout.js";
import { resubscribedPage, unsubscribeLinkInvalidPage, unsubscribePage } from "../pages/unsubscribe-pages.js";
import type { LinkSignals } from "../signals/signals.js";
import { verifyToken } from "../tokens.js";

export interface UnsubscribeDeps {
  activation: ActivationDeps;
  signals: LinkSignals;
  appSecret: string;
  /** PUBLIC_URL: the origin our own resubscribe button posts from. */
  publicUrl: string;
  pages: PageSettings;
  trustProxy: boolean;
}

/**
 * Leaving, as RFC 8058 and the Gmail/Yahoo bulk-sender rules want it (each answer: docs/http.md):
 *  - GET shows one button and changes nothing: scanners and prefetchers follow GETs (RFC 8058 §4).
 *  - POST is the one-click (our button's too): no cookie, no script; only the signed token counts.
 *  - POST …/resubscribe, the undo, comes from our own page only: the token travels in every
 *    forwarded email, and a cross-site page holding one must not opt the reader back in (issue
 *    30). Leaving needs no such check: opting out on someone's behalf harms no one.
 */
export function unsubscribeRoutes(deps: UnsubscribeDeps) {
  const sql = deps.activation.sql;
  const subscriberOf = (token: string) => {
    const check = verifyToken(deps.appSecret, token, "unsubscribe");
    return check.ok ? check.subject : undefined;
  };

  return new Hono()
    .get("/unsubscribe/:token", async (c) => {
      const token = c.req.param("token");
      const check = verifyToken(deps.appSecret, token, "unsubscribe");
      if (!check.ok) return unsubscribeLinkInvalidPage(c, deps.pages);
      const subscriberId = check.subject;
      // Recorded only for the signals (a mail filter's burst); the page changes and counts nothing.
      if (check.detail !== undefined) await recordFetch(c, deps, { link: "unsubscribe", subscriberId, deliveryId: Number(check.detail) });
      return unsubscribePage(c, deps.pages, await unsubscribePageState(sql, subscriberId), token);
    })
    .post("/unsubscribe/:token", async (c) => {
      const token = c.req.param("token");
      const subscriberId = subscriberOf(token);
      if (!subscriberId) return unsubscribeLinkInvalidPage(c, deps.pages);
      // The body is not required (nor need it be readable): a client that posts without it still means "unsubscribe".
      const form = await readFormFields(c);
      const via = form?.from === "page" ? "page" : "one-click";
      await unsubscribe(sql, { subscriberId, via, ...requester(c, deps.trustProxy) });
      const state = await unsubscribePageState(sql, subscriberId);
      return unsubscribePage(c, deps.pages, state === "subscribed" ? "unsubscribed" : state, token);
    })
    .post("/unsubscribe/:token/resubscribe", async (c) => {
      const token = c.req.param("token");
      const subscriberId = subscriberOf(token);
      if (!subscriberId) return unsubscribeLinkInvalidPage(c, deps.pages);
      if (!sameOrigin(c.req.raw, deps.publicUrl)) throw new ApiError("forbidden", "This request did not come from the unsubscribe page.");
      const outcome = await activate(deps.activation, { subscriberId, via: "resubscribe", ...requester(c, deps.trustProxy) });
      return resubscribedPage(c, deps.pages, outcome, token);
    });
}
