/** @jsxImportSource hono/jsx */
import type { Context } from "hono";
import { actionPage } from "./action-page.js";
import { emailLinkPage, type PageSettings } from "./layout.js";

/**
 * A double opt-in link's pages: the one-visit page it opens (its POST confirms), confirmed, a link not
 * ours (400), one expired or whose request was purged (410), an address we may not email.
 */

export function confirmActionPage(c: Context, settings: PageSettings, action: string) {
  return actionPage(c, settings, {
    heading: "Confirming your email address…",
    body: <p>One moment: we are confirming your address and sending your Flare-Up Reset Guide.</p>,
    button: "Yes, send me the guide",
    action,
  });
}

export function confirmedPage(c: Context, settings: PageSettings) {
  return emailLinkPage(
    c,
    settings,
    { title: "You are confirmed", heading: "Thank you — you are confirmed" },
    <p>
      Your Flare-Up Reset Guide is on its way: the email holds your personal download link. If it is not in your inbox in
      a few minutes, please look in your spam or promotions folder.
    </p>,
  );
}

const SIGN_UP_AGAIN = (
  <p>
    <a href="/">Get the Flare-Up Reset Guide</a>
  </p>
);

export function confirmLinkInvalidPage(c: Context, settings: PageSettings) {
  return emailLinkPage(c, settings, { heading: "This link does not work", status: 400 }, [
    <p>It may have been cut short when it was copied. Please open the link from the email again, or sign up again.</p>,
    SIGN_UP_AGAIN,
  ]);
}

/** 410 Gone: the link existed and will not work again (RFC 9110 §15.5.11). */
export function confirmLinkExpiredPage(c: Context, settings: PageSettings) {
  return emailLinkPage(c, settings, { heading: "This link has expired", status: 410 }, [
    <p>Confirmation links work for a limited time. Please sign up again and we will send you a fresh one.</p>,
    SIGN_UP_AGAIN,
  ]);
}

export function confirmSuppressedPage(c: Context, settings: PageSettings) {
  return emailLinkPage(
    c,
    settings,
    { heading: "We cannot email this address" },
    <p>Our emails could not be delivered to this address before. Please contact the clinic to receive the guide.</p>,
  );
}
