import { Hono } from "hono";
import type postgres from "postgres";
import { signupSchema } from "../campaign/signup-input.js";
import { requestFreshGuideLink, type FreshLinkRequestDeps } from "../guide/fresh-link.js";
import type { GuidePdfStore } from "../guide/pdf.js";
import { clientAddress, recordFetch } from "../http/client-address.js";
import { readFormFields } from "../http/request-body.js";
import {
  freshLinkFormErrorPage,
  freshLinkSentPage,
  guideUnavailablePage,
  linkProblemPage,
  tooManyRequestsPage,
} from "../pages/guide-pages.js";
import type { PageSettings } from "../pages/layout.js";
import type { RateLimiter } from "../queue/rate-limiter.js";
import type { Logger } from "../logger.js";
import type { LinkSignals } from "../signals/signals.js";
import { verifyToken } from "../tokens.js";

export interface GuideRouteDeps {
  sql: postgres.Sql;
  signals: LinkSignals;
  appSecret: string;
  pdf: GuidePdfStore;
  pages: PageSettings;
  /** Per client, for "mail me a fresh link" (its own key prefix in the limiter store). */
  freshLinkLimiter: RateLimiter;
  freshLink: FreshLinkRequestDeps;
  trustProxy: boolean;
  logger: Logger;
}

/** What the reader's file is called on disk (RFC 6266 Content-Disposition). */
export const GUIDE_FILE_NAME = "Flare-Up Reset Guide.pdf";

/**
 * GET /guide/:token: the PDF behind a personal signed link (DESIGN.md invariant 7), every fetch
 * recorded and judged (src/signals/). Status is not checked: an unsubscribed reader asked for the
 * guide; the link keeps working. POST /guide/fresh-link: "mail me a fresh link" (expired or broken).
 */
export function guideRoutes(deps: GuideRouteDeps) {
  return new Hono()
    .get("/guide/:token", async (c) => {
      const check = verifyToken(deps.appSecret, c.req.param("token"), "guide");
      if (!check.ok) return linkProblemPage(c, deps.pages, check.reason === "expired" ? "expired" : "invalid");
      let pdf;
      try {
        pdf = await deps.pdf.get();
      } catch (error) {
        // Handled here so the path (a live capability) never reaches the generic 5xx log line.
        deps.logger.error({ err: error }, "guide PDF unavailable");
        return guideUnavailablePage(c, deps.pages);
      }
      // A reader whose fetch cannot be recorded (database trouble) still gets the guide.
      const deliveryId = check.detail === undefined ? undefined : Number(check.detail);
      await recordFetch(c, deps, { link: "guide", subscriberId: check.subject, deliveryId });
      return c.body(new Uint8Array(pdf.bytes), 200, {
        "Content-Type": "application/pdf",
        "Content-Length": String(pdf.bytes.length),
        "Content-Disposition": `attachment; filename="${GUIDE_FILE_NAME}"`,
        // A personal link: no shared cache may keep it (RFC 9111 §5.2.2.7), and no browser cache
        // either, so each download is counted and nothing lingers on a shared computer.
        "Cache-Control": "private, no-store",
        "X-Robots-Tag": "noindex, nofollow",
      });
    })
    .post("/guide/fresh-link", async (c) => {
      const limit = await deps.freshLinkLimiter.consume(clientAddress(c, deps.trustProxy) ?? "unknown");
      if (!limit.allowed) return tooManyRequestsPage(c, deps.pages, limit.retryAfterSeconds);

      const raw = (await readFormFields(c))?.email ?? "";
      const email = signupSchema.shape.email.safeParse(raw);
      if (!email.success) {
        const message = raw.trim() === "" ? "Please enter your email address." : "Please enter a valid email address, like name@example.com.";
        return freshLinkFormErrorPage(c, deps.pages, raw.slice(0, 254), message);
      }
      // One page whatever the address (known, mailed, asked too recently), once the request commits
      // (issue 28; invariant 2: row before job), the same transaction for all (src/db/queries/guide.ts:
      // timing tells nothing, issue 30). A database failure is an error like signup's.
      await requestFreshGuideLink(deps.freshLink, email.data);
      return freshLinkSentPage(c, deps.pages);
    });
}
