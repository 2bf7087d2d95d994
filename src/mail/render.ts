import { createElement, type ReactElement } from "react";
import { render } from "@react-email/render";
import CheckInBetter, * as checkInBetter from "../../emails/check-in-better.js";
import CheckInSame, * as checkInSame from "../../emails/check-in-same.js";
import CheckInWorse, * as checkInWorse from "../../emails/check-in-worse.js";
import CheckIn, * as checkIn from "../../emails/check-in.js";
import Closing, * as closing from "../../emails/closing.js";
import Confirm, * as confirm from "../../emails/confirm.js";
import FreshLink, * as freshLink from "../../emails/fresh-link.js";
import Mistakes, * as mistakes from "../../emails/mistakes.js";
import Positions, * as positions from "../../emails/positions.js";
import RedFlags, * as redFlags from "../../emails/red-flags.js";
import Triggers, * as triggers from "../../emails/triggers.js";
import Welcome, * as welcome from "../../emails/welcome.js";

export interface EmailTemplate<P> {
  component: (props: P) => ReactElement;
  subject: (props: P) => string;
  previewText: string;
}

/** A template: its component, and the subject and preview line its module exports. */
function template<P>(component: (props: P) => ReactElement, m: Omit<EmailTemplate<P>, "component">): EmailTemplate<P> {
  return { component, subject: m.subject, previewText: m.previewText };
}

/**
 * Every template: the sequence's steps, the double opt-in confirmation and the fresh guide link
 * (not steps: never in the per-step stats). The mail layer knows templates, not the sequence:
 * src/campaign/compose.ts renders a StepKey, so a STEP_KEYS entry without a row here won't compile.
 */
const templates = {
  confirm: template(Confirm, confirm),
  "fresh-link": template(FreshLink, freshLink),
  welcome: template(Welcome, welcome),
  triggers: template(Triggers, triggers),
  positions: template(Positions, positions),
  mistakes: template(Mistakes, mistakes),
  "red-flags": template(RedFlags, redFlags),
  "check-in": template(CheckIn, checkIn),
  "check-in-worse": template(CheckInWorse, checkInWorse),
  "check-in-same": template(CheckInSame, checkInSame),
  "check-in-better": template(CheckInBetter, checkInBetter),
  closing: template(Closing, closing),
};

export type TemplateKey = keyof typeof templates;

/** The props each template needs: its component's (only the check-in's carry the answer links). */
export type StepProps = { [K in TemplateKey]: Parameters<(typeof templates)[K]["component"]>[0] };

export const emailTemplates: { readonly [K in TemplateKey]: EmailTemplate<StepProps[K]> } = templates;

type UnionToIntersection<U> = (U extends unknown ? (arg: U) => void : never) extends (arg: infer I) => void
  ? I
  : never;

/**
 * The props `renderEmail(step, …)` accepts: for a literal step `StepProps[step]`; for a union of
 * keys (say, read from a job) props that fit every step it could be, so `toolLinks` stays required.
 * A plain `StepProps[K]` would widen to a union and let a `mistakes` email through without links.
 */
export type PropsFor<K extends TemplateKey> = UnionToIntersection<StepProps[K]>;

export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
}

/** html-to-text upper-cases headings by default; the plain-text part should read like the HTML. */
const headingAsWritten = ["h1", "h2", "h3"].map((selector) => ({
  selector,
  options: { uppercase: false },
}));

/** The one way to render an email: HTML and text from one React element, so both say the same. */
export async function renderEmail<K extends TemplateKey>(step: K, props: PropsFor<K>): Promise<RenderedEmail> {
  const template: EmailTemplate<StepProps[K]> | undefined = emailTemplates[step];
  if (template === undefined) throw new Error(`renderEmail: unknown step "${String(step)}"`);
  // Sound: an intersection of StepProps members fits each; TypeScript can't see it through generic K.
  const stepProps = props as StepProps[K];
  const element = createElement(template.component, stepProps);
  const [html, text] = await Promise.all([
    render(element),
    // No hard wrap: mail clients wrap plain text themselves, and a line break that depends on a
    // name's or a link's length would make the cached render (render-cache.ts) differ.
    render(element, { plainText: true, htmlToTextOptions: { selectors: headingAsWritten, wordwrap: false } }),
  ]);
  return { subject: template.subject(stepProps), html, text };
}
