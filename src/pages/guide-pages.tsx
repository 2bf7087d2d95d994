/** @jsxImportSource hono/jsx */
import type { Context } from "hono";
import type { FC, PropsWithChildren } from "hono/jsx";
import { describeDays } from "../../emails/components/describe-days.js";
import { emailInput, Field, htmlPage, Notice, Shell, type PageSettings } from "./layout.js";

/**
 * The pages around a personal guide link: a link that is not ours (400), one that expired (410),
 * the "mail me a fresh link" form and its one answer. Friendly pages, never data (invariant 7).
 */

export type LinkProblem = "invalid" | "expired";

const FreshLinkForm: FC<{ email?: string; error?: string | undefined }> = ({ email, error }) => (
  <form method="post" action="/guide/fresh-link">
    {error ? (
      <div class="error-summary" role="alert">
        <h3>Please check the form</h3>
        <p>
          <a href="#fresh-email">{error}</a>
        </p>
      </div>
    ) : null}
    <Field id="fresh-email" label="The email address you signed up with" error={error} input={emailInput(email ?? "")} />
    <button type="submit">Email me a fresh link</button>
  </form>
);

const HEADINGS: Record<LinkProblem | "ask", string> = {
  expired: "This download link has expired",
  invalid: "This link doesn't look right",
  ask: "Get a fresh link to your guide",
};

/** A page of the guide's links: one card, titled "… · Flare-Up Reset Guide". */
const GuideNotice: FC<PropsWithChildren<{ settings: PageSettings; title: string; heading?: string }>> = (props) => (
  <Shell title={`${props.title} · Flare-Up Reset Guide`} settings={props.settings}>
    <Notice heading={props.heading ?? props.title}>{props.children}</Notice>
  </Shell>
);

type LinkProblemPageProps = { settings: PageSettings; problem: LinkProblem | "ask"; email?: string; error?: string };

const LinkProblemPage: FC<LinkProblemPageProps> = ({ settings, problem, email, error }) => (
  <GuideNotice settings={settings} title={`${error ? "Please check the form · " : ""}${HEADINGS[problem]}`} heading={HEADINGS[problem]}>
    {problem === "expired" ? (
      <p>
        Personal links to the Flare-Up Reset Guide work for {describeDays(settings.guideLinkTtlDays)}, and this one has run
        out. Enter your email address and we will send you a fresh link.
      </p>
    ) : problem === "invalid" ? (
      <p>
        Part of the link may have been lost when it was copied. Try selecting the button in your email again, or enter your
        email address and we will send you a fresh link.
      </p>
    ) : (
      <p>Enter the email address you signed up with, and we will send you a fresh link to the guide.</p>
    )}
    <FreshLinkForm email={email} error={error} />
    <p class="privacy">
      New here? <a href="/">Get the free guide</a>.
    </p>
  </GuideNotice>
);

export function guideUnavailablePage(c: Context, settings: PageSettings) {
  c.header("Retry-After", "60");
  const page = (
    <GuideNotice settings={settings} title="Please try again shortly" heading="Please try again in a moment">
      <p>We could not prepare your guide just now. Your link is fine: please select it again in a minute or two.</p>
    </GuideNotice>
  );
  return htmlPage(c, page, { settings, status: 503 });
}

export function linkProblemPage(c: Context, settings: PageSettings, problem: LinkProblem) {
  // 410 Gone: the link existed and will not work again (RFC 9110 §15.5.11); 400 for anything else.
  return htmlPage(c, <LinkProblemPage settings={settings} problem={problem} />, {
    settings,
    status: problem === "expired" ? 410 : 400,
  });
}

export function freshLinkFormErrorPage(c: Context, settings: PageSettings, email: string, error: string) {
  return htmlPage(c, <LinkProblemPage settings={settings} problem="ask" email={email} error={error} />, {
    settings,
    status: 400,
  });
}

export function freshLinkSentPage(c: Context, settings: PageSettings) {
  const page = (
    <GuideNotice settings={settings} title="Check your inbox">
      {/* The same words whatever the address: this page never tells who is on the list. */}
      <p>
        If that address is signed up for the Flare-Up Reset Guide, a fresh download link is on its way from{" "}
        {settings.clinicName}. It can take a few minutes; if it does not arrive, look in your spam or promotions folder.
      </p>
      <p>To keep inboxes calm, we send at most one fresh link an hour.</p>
      <p class="privacy">
        Not signed up yet? <a href="/">Get the free guide</a>.
      </p>
    </GuideNotice>
  );
  return htmlPage(c, page, { settings });
}

export function tooManyRequestsPage(c: Context, settings: PageSettings, retryAfterSeconds: number) {
  c.header("Retry-After", String(retryAfterSeconds));
  const minutes = Math.max(1, Math.ceil(retryAfterSeconds / 60));
  const page = (
    <GuideNotice settings={settings} title="Please wait a moment">
      <p>
        We have had several requests from your connection. Please try again in {minutes === 1 ? "a minute" : `${minutes} minutes`}.
      </p>
    </GuideNotice>
  );
  return htmlPage(c, page, { settings, status: 429 });
}
