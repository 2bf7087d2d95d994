/** @jsxImportSource hono/jsx */
import type { Context } from "hono";
import { emailLinkPage, type PageSettings } from "./layout.js";

/** The pages of GET /l/:token when there is nowhere to send the reader. */

export function linkInvalidPage(c: Context, settings: PageSettings) {
  return emailLinkPage(
    c,
    settings,
    { heading: "This link does not work", status: 400 },
    <p>It may have been cut short when it was copied. Please open it from the email again.</p>,
  );
}

/** 410 Gone: the clinic has taken the page this link led to off its settings. */
export function linkGonePage(c: Context, settings: PageSettings) {
  return emailLinkPage(
    c,
    settings,
    { heading: "This page is no longer available", status: 410 },
    <p>The page this link led to has moved or been retired. Please contact {settings.clinicName} if you were looking for it.</p>,
  );
}
