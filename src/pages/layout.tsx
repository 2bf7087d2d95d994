/** @jsxImportSource hono/jsx */
import type { Context } from "hono";
import { html } from "hono/html";
import type { Child, FC, PropsWithChildren } from "hono/jsx";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { AUTO_SUBMIT_SCRIPT, contentSecurityPolicy, FAVICON, PAGE_CSS, PAGE_SCRIPT, type PageScript } from "./assets.js";
import type { CareContacts } from "../../emails/props.js";

/**
 * The one shell of every reader page (hono/jsx): clinic name, a landmark per region, disclaimer and
 * postal address in the footer. Works without JavaScript; the inline script only enhances.
 */
export interface PageSettings {
  clinicName: string;
  postalAddress: string;
  /** ALLOWED_ORIGINS: who may frame the embeddable pages (the clinic's article site). */
  allowedOrigins: readonly string[];
  /** GUIDE_LINK_TTL_DAYS, told to the reader on the thanks page. */
  guideLinkTtlDays: number;
  /** DOUBLE_OPT_IN: the thanks page then asks the reader to confirm first. */
  doubleOptIn: boolean;
  /** EMERGENCY_NUMBER, CLINIC_PHONE, CLINIC_HOURS for the red-flag lines; DEFAULT_CARE when left out. */
  care?: CareContacts | undefined;
  /** PRIVACY_URL: linked from the form's privacy note when set. */
  privacyUrl?: string | undefined;
}

export const MEDICAL_DISCLAIMER =
  "The Flare-Up Reset Guide is for education only and is not medical advice. Please see a qualified clinician for diagnosis and treatment.";

interface ShellProps {
  title: string;
  description?: string;
  /** The compact layout for an iframe on the clinic's own site: no header or footer. */
  embed?: boolean;
  /**
   * A page reached from an email link (confirm, unsubscribe): kept out of search results, and
   * without the script — a mail client's in-app browser must get the whole page with nothing
   * to run (the one-click unsubscribe page has no form of ours to enhance anyway).
   */
  fromEmail?: boolean;
  /** A one-visit action page: the page's own POST is sent at once (AUTO_SUBMIT_SCRIPT). */
  autoSubmit?: boolean;
  settings: PageSettings;
}

export const Shell: FC<PropsWithChildren<ShellProps>> = ({ title, description, embed, fromEmail, autoSubmit, settings, children }) => (
  <html lang="en">
    <head>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1" />
      {fromEmail ? <meta name="robots" content="noindex" /> : null}
      <title>{title}</title>
      {description ? <meta name="description" content={description} /> : null}
      <meta name="theme-color" content="#2f6f6a" />
      <link rel="icon" href={FAVICON} />
      <style dangerouslySetInnerHTML={{ __html: PAGE_CSS }} />
    </head>
    <body class={embed ? "embed" : undefined}>
      {embed ? (
        <main id="main">{children}</main>
      ) : (
        <>
          <a class="skip" href="#main">
            Skip to main content
          </a>
          <header class="top">
            <div class="wrap">
              <p class="brand">{settings.clinicName}</p>
            </div>
          </header>
          <main id="main">{children}</main>
          <footer class="foot">
            <div class="wrap">
              <p>{MEDICAL_DISCLAIMER}</p>
              <p>
                {settings.clinicName} · {settings.postalAddress}
              </p>
            </div>
          </footer>
        </>
      )}
      {fromEmail ? null : <script dangerouslySetInnerHTML={{ __html: PAGE_SCRIPT }} />}
      {autoSubmit ? <script dangerouslySetInnerHTML={{ __html: AUTO_SUBMIT_SCRIPT }} /> : null}
    </body>
  </html>
);

/** A centred, single-card page: thanks, link problems, "check your inbox". */
export const Notice: FC<PropsWithChildren<{ heading: string }>> = ({ heading, children }) => (
  <div class="notice">
    <div class="card">
      <h1>{heading}</h1>
      {children}
    </div>
  </div>
);

/** A form's labelled input; its error is shown under it, announced, and the input focused. */
type FieldProps = { id: string; label: Child; error: string | undefined; input: Record<string, string | number | boolean> };

export const Field: FC<FieldProps> = ({ id, label, error, input }) => (
  <div class="field">
    <label for={id}>{label}</label>
    <input
      id={id}
      {...input}
      aria-invalid={error ? "true" : undefined}
      aria-describedby={error ? `${id}-error` : undefined}
      autofocus={error ? true : undefined}
    />
    {error ? (
      <p class="field-error" id={`${id}-error`}>
        {error}
      </p>
    ) : null}
  </div>
);

/** The email address input of the signup and fresh-link forms (254: RFC 5321's longest address). */
export const emailInput = (value: string) => ({
  name: "email",
  type: "email",
  inputmode: "email",
  autocomplete: "email",
  required: true,
  maxlength: 254,
  value,
});

/** A page linked from our emails (confirm, unsubscribe): one card "… · CLINIC", no script, no index. */
type EmailLinkPageProps = PropsWithChildren<{ settings: PageSettings; heading: string; title?: string; autoSubmit?: boolean }>;

export const EmailLinkPage: FC<EmailLinkPageProps> = ({ settings, heading, title = heading, autoSubmit, children }) => (
  <Shell title={`${title} · ${settings.clinicName}`} settings={settings} fromEmail autoSubmit={autoSubmit}>
    <Notice heading={heading}>{children}</Notice>
  </Shell>
);

/** Sends an EmailLinkPage holding `body`, with htmlPage's headers. */
export function emailLinkPage(
  c: Context,
  settings: PageSettings,
  page: { heading: string; title?: string; status?: ContentfulStatusCode },
  body: Child,
) {
  const frame = (
    <EmailLinkPage settings={settings} heading={page.heading} title={page.title}>
      {body}
    </EmailLinkPage>
  );
  return htmlPage(c, frame, { settings, status: page.status });
}

/**
 * Sends a page with every reader page's headers: a CSP allowing exactly our inline style and script,
 * framing by 'self' only (embeddable ones: ALLOWED_ORIGINS), no caching (a page may echo input).
 */
export function htmlPage(
  c: Context,
  page: Child,
  options: {
    settings: PageSettings;
    status?: ContentfulStatusCode;
    embeddable?: boolean;
    cache?: "public" | "no-store";
    /** A one-visit action page carries the auto-submit script instead of the page script. */
    script?: PageScript;
  },
): Response | Promise<Response> {
  const { settings, status = 200, embeddable = false, cache = "no-store", script = "page" } = options;
  const ancestors = embeddable
    ? settings.allowedOrigins.includes("*")
      ? ["*"]
      : ["'self'", ...settings.allowedOrigins]
    : ["'self'"];
  c.header("Content-Security-Policy", contentSecurityPolicy(ancestors, script));
  c.header("Cache-Control", cache === "public" ? "public, max-age=300" : "no-store");
  return c.html(html`<!doctype html>${page}`, status);
}
