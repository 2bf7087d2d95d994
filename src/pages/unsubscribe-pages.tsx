/** @jsxImportSource hono/jsx */
import type { Context } from "hono";
import type { FC } from "hono/jsx";
import type { ActivationOutcome } from "../campaign/activate.js";
import type { UnsubscribePageState } from "../campaign/unsubscribe.js";
import { EmailLinkPage, emailLinkPage, htmlPage, type PageSettings } from "./layout.js";

/**
 * The pages of leaving (src/routes/unsubscribe.ts says which request gets which): one button, the undo,
 * "welcome back", a link not ours. No script, no cookie: they must work in any mail client's browser.
 */

const OneClickForm: FC<{ token: string; label: string; secondary?: boolean }> = ({ token, label, secondary }) => (
  <form method="post" action={`/unsubscribe/${token}`}>
    <input type="hidden" name="List-Unsubscribe" value="One-Click" />
    <input type="hidden" name="from" value="page" />
    <button type="submit" class={secondary ? "secondary" : undefined}>
      {label}
    </button>
  </form>
);

const UnsubscribeState: FC<{ settings: PageSettings; state: UnsubscribePageState; token: string }> = ({ settings, state, token }) => {
  const clinicName = settings.clinicName;
  if (state === "subscribed") {
    return (
      <EmailLinkPage settings={settings} title="Unsubscribe" heading="Unsubscribe from the Flare-Up Reset emails?">
        <p>One click and you will not receive any more emails from {clinicName}.</p>
        <OneClickForm token={token} label="Unsubscribe" />
      </EmailLinkPage>
    );
  }
  if (state === "unsubscribed") {
    return (
      <EmailLinkPage settings={settings} heading="You are unsubscribed">
        <p>You will not receive any more emails from {clinicName}. Your guide link keeps working.</p>
        <form method="post" action={`/unsubscribe/${token}/resubscribe`}>
          <p class="small">
            Changed your mind? The series picks up where it stopped; nothing you already received is sent again.
          </p>
          <button type="submit" class="secondary">
            Resubscribe
          </button>
        </form>
      </EmailLinkPage>
    );
  }
  return (
    <EmailLinkPage settings={settings} heading="You are unsubscribed">
      <p>You will not receive any emails from {clinicName} at this address.</p>
      {state === "suppressed" ? (
        <p class="small">Our emails could not be delivered to this address. To hear from us again, please contact the clinic.</p>
      ) : null}
    </EmailLinkPage>
  );
};

export function unsubscribePage(c: Context, settings: PageSettings, state: UnsubscribePageState, token: string) {
  return htmlPage(c, <UnsubscribeState settings={settings} state={state} token={token} />, { settings });
}

export function resubscribedPage(c: Context, settings: PageSettings, outcome: ActivationOutcome, token: string) {
  if (outcome !== "activated" && outcome !== "already") {
    return unsubscribePage(c, settings, outcome === "suppressed" ? "suppressed" : "gone", token);
  }
  return emailLinkPage(c, settings, { heading: "Welcome back" }, [
    <p>You are subscribed again. The series picks up where it stopped; nothing you already received is sent again.</p>,
    <OneClickForm token={token} label="Unsubscribe again" secondary />,
  ]);
}

export function unsubscribeLinkInvalidPage(c: Context, settings: PageSettings) {
  return emailLinkPage(
    c,
    settings,
    { heading: "This link does not work", status: 400 },
    <p>
      It may have been cut short when it was copied. Please use the “Unsubscribe” link at the bottom of any email from us,
      or your mail app's unsubscribe button — or simply reply to one of our emails and we will take you off the list.
    </p>,
  );
}
