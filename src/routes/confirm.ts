import { Hono, type Context } from "hono";
import { activate, activationOutlook, type ActivationDeps, type ActivationOutcome } from "../campaign/activate.js";
import { requester } from "../http/client-address.js";
import { isPersonsPost } from "../http/person-post.js";
import {
  confirmActionPage,
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
  publicUrl: string;
  pages: PageSettings;
  trustProxy: boolean;
}

/**
 * The double opt-in link, in one visit (DESIGN.md invariant 9; each answer: docs/http.md). The GET
 * changes nothing: mail filters fetch every link as the message lands, and a filter's fetch must
 * not confirm anyone nor be the consent record. Its page's script POSTs at once; the POST activates
 * and records its own time, address and user agent as consent. A cross-site or bot POST confirms none.
 */
export function confirmRoutes(deps: ConfirmDeps) {
  const check = (c: Context) => verifyToken(deps.appSecret, c.req.param("token") ?? "", "confirm");
  const problem = (c: Context, reason: string) =>
    reason === "expired" ? confirmLinkExpiredPage(c, deps.pages) : confirmLinkInvalidPage(c, deps.pages);

  return new Hono()
    .get("/confirm/:token", async (c) => {
      const token = check(c);
      if (!token.ok) return problem(c, token.reason);
      // Read only: a link that can no longer confirm says so at once; one that can asks for the POST.
      const outlook = await activationOutlook(deps.activation, { subscriberId: token.subject, via: "confirm" });
      return outlook ? outcomePage(c, outlook) : confirmActionPage(c, deps.pages, c.req.path);
    })
    .post("/confirm/:token", async (c) => {
      const token = check(c);
      if (!token.ok) return problem(c, token.reason);
      if (!isPersonsPost(c, deps.publicUrl)) return confirmActionPage(c, deps.pages, c.req.path);
      const who = requester(c, deps.trustProxy);
      const outcome = await activate(deps.activation, { subscriberId: token.subject, via: "confirm", ...who });
      return outcomePage(c, outcome);
    });

  function outcomePage(c: Context, outcome: ActivationOutcome) {
    if (outcome === "gone" || outcome === "not-requested") return confirmLinkExpiredPage(c, deps.pages);
    if (outcome === "suppressed") return confirmSuppressedPage(c, deps.pages);
    return confirmedPage(c, deps.pages);
  }
}
