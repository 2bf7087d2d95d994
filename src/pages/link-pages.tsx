/** @jsxImportSource hono/jsx */
import type { Context } from "hono";
import { EmailLinkPage, htmlPage, type PageSettings } from "./layout.js";

/** The pages of GET /l/:token when there is nowhere to send the reader. */

export function linkInvalidPage(c: Context, settings: PageSettings) {
  return htmlPage(
    c,
    <EmailLinkPage settings={settings} heading="This link does not work">
      <p>It may have been cut short when it was copied. Please open it from the email again.</p>
    </EmailLinkPage>,
    { settings, status: 400 },
  );
}

/** 410 Gone: the clinic has taken the page this link led to off its settings. */
export function linkGonePage(c: Context, settings: PageSettings) {
  return htmlPage(
    c,
    <EmailLinkPage settings={settings} heading="This page is no longer available">
      <p>The page this link led to has moved or been retired. Please contact {settings.clinicName} if you were looking for it.</p>
    </EmailLinkPage>,
    { settings, status: 410 },
  );
}
