import { Hono } from "hono";
import { activate, type ActivationDeps } from "../campaign/activate.js";
import { clientAddress } from "../http/client-address.js";
import {
  confirmedPage,
  confirmLinkExpiredPage,
  confirmLinkInvalidPage,
  confirmSuppressedPage,
} from "../pages/confirm-pages.js";
import type { PageSettings } from "../pages/layout.js";
import { verifyToken } from "../tokens.js";

export interface ConfirmDeps {
  activation: ActivationDeps;
  appSecret: string;
  pages: PageSettings;
  trustProxy: boolean;
}

/**
 * GET /confirm/:token — the double opt-in link. A valid click activates the subscriber, records
 * the confirmation's time, IP and user agent in the consent record, and starts the sequence
 * (welcome with the guide first). Clicking twice is harmless. A token that does not verify gets a
 * 400 page; an expired one (or a request already purged) a 410 page that points back to the form.
 */
export function confirmRoutes(deps: ConfirmDeps) {
  return new Hono().get("/confirm/:token", async (c) => {
    const check = verifyToken(deps.appSecret, c.req.param("token"), "confirm");
    if (!check.ok) {
      return check.reason === "expired" ? confirmLinkExpiredPage(c, deps.pages) : confirmLinkInvalidPage(c, deps.pages);
    }
    const outcome = await activate(deps.activation, {
      subscriberId: check.subject,
      via: "confirm",
      ip: clientAddress(c, deps.trustProxy),
      userAgent: c.req.header("user-agent"),
    });
    if (outcome === "gone" || outcome === "not-requested") return confirmLinkExpiredPage(c, deps.pages);
    if (outcome === "suppressed") return confirmSuppressedPage(c, deps.pages);
    return confirmedPage(c, deps.pages);
  });
}
