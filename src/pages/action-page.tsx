/** @jsxImportSource hono/jsx */
import type { Context } from "hono";
import type { Child } from "hono/jsx";
import { EmailLinkPage, htmlPage, type PageSettings } from "./layout.js";

/**
 * A one-visit action (DESIGN.md invariant 9): a link in an email that must change something
 * (confirming an address, answering the check-in) answers its GET with this page, and the page's
 * own POST to the same address makes the change: sent at once by AUTO_SUBMIT_SCRIPT (one click for
 * a person), else by the button. A mail filter fetching the link changes nothing: the action's
 * record (a consent's address and browser) is the POST's, a person's.
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
