/** @jsxImportSource hono/jsx */
import type { Context } from "hono";
import type { FC } from "hono/jsx";
import { DEFAULT_CARE, reminderEmergency, reminderSameDay } from "../../emails/components/red-flags-wording.js";
import { CONSENT_WORDING } from "../campaign/consent.js";
import { FIRST_NAME_MAX, LABEL_MAX, type SignupFieldError as SignupFormError } from "../campaign/signup-input.js";
import { emailInput, Field, htmlPage, MEDICAL_DISCLAIMER, Notice, Shell, type PageSettings } from "./layout.js";
import { describeDays } from "../../emails/components/describe-days.js";

/**
 * The landing page (GET /), the compact form for an iframe (GET /embed), and what happens next
 * (GET /thanks). The form posts to POST /api/subscribe as a plain form (DESIGN.md contract); a
 * bad entry comes back as this same page with the error next to its field, status 400.
 */

export const CALL_TO_ACTION = "Download the Free Flare-Up Reset Guide";
export const PROMISE =
  "Simple strategies that may help calm pain flare-ups and help you return to movement with more confidence.";

/**
 * "We never share it" was not true: the address goes to the email provider that sends the series
 * and to the tools the clinic connects (webhooks: a CRM, a booking tool). The note names them
 * (issue 27, item 8), and links the clinic's privacy notice when PRIVACY_URL is set.
 */
export const PRIVACY_NOTE =
  "We use your email address only to send you the guide and this short series. We never sell it, and share it " +
  "only with the services that run the series for the clinic: our email provider and the clinic's connected tools. " +
  "Every email has a one-click unsubscribe link.";

export const PRIVACY_LINK_LABEL = "Read our privacy notice";

/** What the guide holds, in the reader's words (the PDF's sections, src/guide/content.ts). */
const INSIDE: readonly (readonly [string, string])[] = [
  ["Why pain travels down the leg", "What sciatica is, and why it is often nerve irritation, not necessarily worsening damage."],
  ["The common triggers", "Sitting, activity spikes, lifting, sleep and stress, and why they add up."],
  ["Three calming positions", "The 90–90 position, supported child's pose and side-lying, each with a short how-to."],
  ["The common mistake", "Why stretching hard early in a flare can, in some cases, increase nerve irritation, and gentler strategies."],
  ["Walking and stretching", "Straight answers to common questions."],
  ["When to seek medical evaluation", "Which signs need emergency care now, which need a clinician the same day, and why."],
];

/** Query-string fields the form carries through as hidden inputs (campaign attribution). */
const CARRIED = ["source", "utm_source", "utm_medium", "utm_campaign"] as const;

/** What the form is filled with: the reader's entries and the carried attribution. */
export type SignupFormValues = Partial<Record<"email" | "firstName" | "timezone" | (typeof CARRIED)[number], string>>;

/** The values a page starts with: attribution from the query string (GET /?utm_source=…). */
export function valuesFromQuery(query: Record<string, string | undefined>, fallbackSource?: string): SignupFormValues {
  const values: SignupFormValues = {};
  for (const name of CARRIED) {
    const value = query[name]?.trim();
    if (value) values[name] = value.slice(0, LABEL_MAX[name]);
  }
  if (!values.source && fallbackSource) values.source = fallbackSource;
  return values;
}

/** The values a failed post is re-rendered with: only the fields the form has, as strings. */
export function valuesFromBody(body: unknown): SignupFormValues {
  const record = typeof body === "object" && body !== null ? (body as Record<string, unknown>) : {};
  const values: SignupFormValues = {};
  for (const name of ["email", "firstName", "timezone", ...CARRIED] as const) {
    const value = record[name];
    if (typeof value === "string") values[name] = value.slice(0, 300);
  }
  return values;
}

/** A message a reader can act on from validation (signup-input.ts); hidden fields get a general one. */
export function readerMessage(error: SignupFormError): string {
  if (error.field === "email") {
    if (/is required/.test(error.message)) return "Please enter your email address.";
    if (/at most/.test(error.message)) return "That email address is too long. Please check it.";
    return "Please check your email address: it should look like name@example.com.";
  }
  if (error.field === "firstName") {
    if (/at most/.test(error.message)) return `Please shorten your first name to ${FIRST_NAME_MAX} characters or fewer.`;
    return "Please enter just your first name, without links, email addresses or line breaks.";
  }
  return "Part of the form could not be read. Please check your entry and try again.";
}

interface SignupFormProps {
  values: SignupFormValues;
  error?: SignupFormError | undefined;
  variant: "landing" | "embed";
  /** PRIVACY_URL, linked after the privacy note when set. */
  privacyUrl?: string | undefined;
}

/** The form itself, shared by the landing page and the embed. */
export const SignupForm: FC<SignupFormProps> = ({ values, error, variant, privacyUrl }) => {
  const emailError = error && error.field === "email" ? readerMessage(error) : undefined;
  const nameError = error && error.field === "firstName" ? readerMessage(error) : undefined;
  const otherError = error && !emailError && !nameError ? readerMessage(error) : undefined;
  return (
    <form method="post" action="/api/subscribe" data-signup="">
      {error ? (
        // Announced at once by screen readers; the link moves focus to the field to fix.
        <div class="error-summary" role="alert" id="form-error">
          <h3>Please check the form</h3>
          <p>
            {emailError ? <a href="#email">{emailError}</a> : nameError ? <a href="#firstName">{nameError}</a> : otherError}
          </p>
        </div>
      ) : null}
      <Field id="email" label="Email address" error={emailError} input={emailInput(values.email ?? "")} />
      <Field
        id="firstName"
        label={
          <>
            First name <span class="optional">(optional)</span>
          </>
        }
        error={nameError}
        input={{ name: "firstName", type: "text", autocomplete: "given-name", maxlength: FIRST_NAME_MAX, value: values.firstName ?? "" }}
      />
      {/* Honeypot: hidden from people and from assistive technology; bots fill it in. */}
      <div class="hp" aria-hidden="true">
        <label for="website">Leave this field empty</label>
        <input id="website" name="website" type="text" tabindex={-1} autocomplete="off" />
      </div>
      <input type="hidden" name="timezone" id="timezone" value={values.timezone ?? ""} />
      {CARRIED.map((name) => (values[name] ? <input type="hidden" name={name} value={values[name]} /> : null))}
      {variant === "embed" ? <input type="hidden" name="form" value="embed" /> : null}
      <p class="consent" id="consent">
        {CONSENT_WORDING}
      </p>
      <button type="submit" aria-describedby="consent">
        Send me the free guide
      </button>
      <p class="privacy">
        {PRIVACY_NOTE}
        {privacyUrl ? (
          <>
            {" "}
            <a href={privacyUrl}>{PRIVACY_LINK_LABEL}</a>
          </>
        ) : null}
      </p>
    </form>
  );
};

type FormPageProps = { settings: PageSettings; values: SignupFormValues; error?: SignupFormError | undefined };

const Landing: FC<FormPageProps> = ({ settings, values, error }) => (
  <Shell title={error ? `Please check the form · ${CALL_TO_ACTION}` : CALL_TO_ACTION} description={PROMISE} settings={settings}>
    <section class="hero" aria-labelledby="title">
      <div class="wrap">
        <h1 id="title">{CALL_TO_ACTION}</h1>
        <p>{PROMISE}</p>
        <p class="meta">A free, printable PDF from the team at {settings.clinicName}, sent to your inbox.</p>
      </div>
    </section>
    <div class="wrap grid">
      <section class="card signup" aria-labelledby="signup-title">
        <h2 id="signup-title">Get your free guide by email</h2>
        <SignupForm values={values} error={error} variant="landing" privacyUrl={settings.privacyUrl} />
      </section>
      <section class="card inside" aria-labelledby="inside-title">
        <h2 id="inside-title">What's inside the guide</h2>
        <ol>
          {INSIDE.map(([title, line]) => (
            <li>
              <strong>{title}</strong>
              <span>{line}</span>
            </li>
          ))}
        </ol>
        <div class="care">
          <p>
            <strong>Not sure it's a flare-up?</strong> {reminderEmergency(settings.care ?? DEFAULT_CARE)}{" "}
            {reminderSameDay(settings.care ?? DEFAULT_CARE)}
          </p>
        </div>
      </section>
    </div>
  </Shell>
);

const Embed: FC<FormPageProps> = ({ settings, values, error }) => (
  <Shell title={CALL_TO_ACTION} embed settings={settings}>
    <section class="card" aria-labelledby="embed-title">
      <h2 id="embed-title">{CALL_TO_ACTION}</h2>
      <p class="lede">{PROMISE}</p>
      <SignupForm values={values} error={error} variant="embed" privacyUrl={settings.privacyUrl} />
      {/* The embed has no page footer, and the form sits inside the clinic's article: the
          disclaimer travels with it (issue 27, item 8). */}
      <p class="privacy disclaimer">{MEDICAL_DISCLAIMER}</p>
    </section>
  </Shell>
);

const Thanks: FC<{ settings: PageSettings; embed: boolean }> = ({ settings, embed }) => (
  <Shell title="Check your inbox · Flare-Up Reset Guide" embed={embed} settings={settings}>
    <Notice heading="Check your inbox">
      {settings.doubleOptIn ? (
        <p>
          We have sent you an email to confirm your address. Select the button in it, and your Flare-Up Reset Guide
          follows straight away.
        </p>
      ) : (
        <p>
          Your Flare-Up Reset Guide is on its way. The email holds your personal download link, which works for{" "}
          {describeDays(settings.guideLinkTtlDays)}: save the PDF and it is yours to keep.
        </p>
      )}
      <ol class="steps">
        <li>Open the email from {settings.clinicName} (it can take a few minutes).</li>
        <li>
          Select <strong>{settings.doubleOptIn ? "Yes, send me the guide" : "Download your guide"}</strong>.
        </li>
        <li>Not there? Look in your spam or promotions folder, and mark us as "not spam".</li>
      </ol>
      <p>
        Over the next week or so we will send a few short emails: common triggers, calming positions, a common mistake
        (with suggestions of supportive tools and supplements; the clinic may earn a commission from some links), the signs that need a
        clinician, and a one-tap check-in on how you are doing. Every email has a one-click unsubscribe link.
      </p>
    </Notice>
  </Shell>
);

export function landingPage(c: Context, settings: PageSettings, values: SignupFormValues, error?: SignupFormError) {
  return htmlPage(c, <Landing settings={settings} values={values} error={error} />, {
    settings,
    status: error ? 400 : 200,
  });
}

export function embedPage(c: Context, settings: PageSettings, values: SignupFormValues, error?: SignupFormError) {
  return htmlPage(c, <Embed settings={settings} values={values} error={error} />, {
    settings,
    status: error ? 400 : 200,
    embeddable: true,
  });
}

export function thanksPage(c: Context, settings: PageSettings, embed: boolean) {
  // Framable too: after a post from the embed, the thanks page shows inside the iframe.
  return htmlPage(c, <Thanks settings={settings} embed={embed} />, { settings, embeddable: true, cache: "public" });
}

/**
 * A form post the server could not accept: the same page again, status 400, the error next to
 * its field and everything the reader typed still there (so it works without JavaScript).
 */
export function signupFormErrorPage(c: Context, settings: PageSettings, body: unknown, error: SignupFormError) {
  const values = valuesFromBody(body);
  return fromEmbed(body) ? embedPage(c, settings, values, error) : landingPage(c, settings, values, error);
}

/** Where a successful form post goes: the embed's thanks stays compact inside its iframe. */
export function thanksLocation(body: unknown): string {
  return fromEmbed(body) ? "/thanks?embed=1" : "/thanks";
}

const fromEmbed = (body: unknown) => typeof body === "object" && body !== null && (body as Record<string, unknown>).form === "embed";
