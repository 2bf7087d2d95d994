import { Hono, type Context } from "hono";
import { recordAnswer, type CheckInDeps } from "../campaign/check-in.js";
import type { CheckInAnswer } from "../campaign/links.js";
import { recordFetch, requester } from "../http/client-address.js";
import { isPersonsPost } from "../http/person-post.js";
import { answerRecordedPage, checkInActionPage } from "../pages/check-in-pages.js";
import type { PageSettings } from "../pages/layout.js";
import { linkInvalidPage } from "../pages/link-pages.js";
import type { LinkSignals } from "../signals/signals.js";
import { verifyToken } from "../tokens.js";

export interface CheckInRouteDeps {
  checkIn: CheckInDeps;
  signals: LinkSignals;
  appSecret: string;
  publicUrl: string;
  pages: PageSettings;
  trustProxy: boolean;
}

/**
 * The check-in's answers, each a one-visit page (DESIGN.md invariant 9, src/pages/action-page.tsx):
 * the GET changes nothing — a mail filter fetches all three answers as the email lands — and is
 * recorded for the signals (a burst); the page's POST records the answer and re-plans the reader's
 * last email by it. The token names the check-in email and the answer, never the address.
 */
export function checkInRoutes(deps: CheckInRouteDeps) {
  const check = (c: Context) => {
    const token = verifyToken(deps.appSecret, c.req.param("token") ?? "", "answer");
    return token.ok && token.detail ? { deliveryId: Number(token.subject), answer: token.detail as CheckInAnswer } : undefined;
  };
  return new Hono()
    .get("/check-in/:token", async (c) => {
      const answer = check(c);
      if (!answer) return linkInvalidPage(c, deps.pages);
      await recordFetch(c, deps, { link: `answer-${answer.answer}`, deliveryId: answer.deliveryId });
      return checkInActionPage(c, deps.pages, c.req.path, answer.answer);
    })
    .post("/check-in/:token", async (c) => {
      const answer = check(c);
      if (!answer) return linkInvalidPage(c, deps.pages);
      if (!isPersonsPost(c, deps.publicUrl)) return checkInActionPage(c, deps.pages, c.req.path, answer.answer);
      const outcome = await recordAnswer(deps.checkIn, { ...answer, ...requester(c, deps.trustProxy) });
      if (outcome === "not-a-question") return linkInvalidPage(c, deps.pages);
      return answerRecordedPage(c, deps.pages, answer.answer);
    });
}
