/** @jsxImportSource hono/jsx */
import type { Context } from "hono";
import type { Child } from "hono/jsx";
import { EmailLinkPage, htmlPage, type PageSettings } from "./layout.js";

/**
 * A one-visit action (DESIGN.md invariant 9): a link in an email that must change something —
 * confirming an address, answering the check-in — answers its GET with this page, and the change
 * is made by the page's own POST to the same address. A browser sends it at once (the page's
 * script, AUTO_SUBMIT_SCRIPT), so a person clicks once; without scripts, the button sends it. A
 * mail filter that fetches the link changes nothing: the record of the action (a consent's
 * address and browser) is the POST's, a person's.
 */
export interface ActionPage {
  heading: string;
  /** What the page is about to do, shown while the POST goes (or with the button). */
  body: Child;
  button: string;
  /** Where the POST goes: the same path the GET came to. */
  action: string;
}

export function actionPage(c: Context, settings: PageSettings, page: ActionPage) {
  return htmlPage(
    c,
    <EmailLinkPage settings={settings} heading={page.heading} autoSubmit>
      {page.body}
      <form method="post" action={page.action} data-auto-submit>
        <button type="submit">{page.button}</button>
      </form>
    </EmailLinkPage>,
    { settings, script: "auto-submit" },
  );
}
