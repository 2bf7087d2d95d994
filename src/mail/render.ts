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
import type {
  BaseEmailProps,
  CheckInEmailProps,
  ConfirmEmailProps,
  FreshLinkEmailProps,
  MistakesEmailProps,
  WelcomeEmailProps,
} from "../../emails/props.js";
import RedFlags, * as redFlags from "../../emails/red-flags.js";
import Triggers, * as triggers from "../../emails/triggers.js";
import Welcome, * as welcome from "../../emails/welcome.js";

/**
 * Every template: the sequence's steps, the double opt-in confirmation and the fresh guide link
 * (the last two are not steps: never in the per-step stats). The mail layer knows templates, not
 * the sequence: src/campaign/compose.ts renders a StepKey, so a step added to STEP_KEYS without a
 * row here fails to compile there.
 */
export type TemplateKey = keyof StepProps;

/** The props each template needs. */
export interface StepProps {
  confirm: ConfirmEmailProps;
  /** "Mail me a fresh link" from an expired guide link: not a step either (tag step=fresh-link). */
  "fresh-link": FreshLinkEmailProps;
  welcome: WelcomeEmailProps;
  triggers: BaseEmailProps;
  positions: BaseEmailProps;
  mistakes: MistakesEmailProps;
  "red-flags": BaseEmailProps;
  /** The three answer links (answers.betterUrl…): only this step carries them. */
  "check-in": CheckInEmailProps;
  "check-in-worse": BaseEmailProps;
  "check-in-same": BaseEmailProps;
  "check-in-better": BaseEmailProps;
  closing: BaseEmailProps;
}

type UnionToIntersection<U> = (U extends unknown ? (arg: U) => void : never) extends (arg: infer I) => void
  ? I
  : never;

/**
 * The props `renderEmail(step, …)` accepts. For a literal step it is `StepProps[step]`; for a step
 * only known as a union of keys (say, read from a job) the props must fit every step it could be, so
 * `toolLinks` stays required. A plain `StepProps[K]` would widen to a union there and let a
 * `mistakes` email through without its links.
 */
export type PropsFor<K extends TemplateKey> = UnionToIntersection<StepProps[K]>;

export interface EmailTemplate<P> {
  component: (props: P) => ReactElement;
  subject: (props: P) => string;
  previewText: string;
}

export const emailTemplates: { readonly [K in TemplateKey]: EmailTemplate<StepProps[K]> } = {
  confirm: { component: Confirm, subject: confirm.subject, previewText: confirm.previewText },
  "fresh-link": { component: FreshLink, subject: freshLink.subject, previewText: freshLink.previewText },
  welcome: { component: Welcome, subject: welcome.subject, previewText: welcome.previewText },
  triggers: { component: Triggers, subject: triggers.subject, previewText: triggers.previewText },
  positions: { component: Positions, subject: positions.subject, previewText: positions.previewText },
  mistakes: { component: Mistakes, subject: mistakes.subject, previewText: mistakes.previewText },
  "red-flags": { component: RedFlags, subject: redFlags.subject, previewText: redFlags.previewText },
  "check-in": { component: CheckIn, subject: checkIn.subject, previewText: checkIn.previewText },
  "check-in-worse": { component: CheckInWorse, subject: checkInWorse.subject, previewText: checkInWorse.previewText },
  "check-in-same": { component: CheckInSame, subject: checkInSame.subject, previewText: checkInSame.previewText },
  "check-in-better": { component: CheckInBetter, subject: checkInBetter.subject, previewText: checkInBetter.previewText },
  closing: { component: Closing, subject: closing.subject, previewText: closing.previewText },
};

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

/**
 * The single way an email is rendered. The HTML and the plain-text part come from the same React
 * element, so the text part always says what the HTML says.
 */
export async function renderEmail<K extends TemplateKey>(step: K, props: PropsFor<K>): Promise<RenderedEmail> {
  const template: EmailTemplate<StepProps[K]> | undefined = emailTemplates[step];
  if (template === undefined) throw new Error(`renderEmail: unknown step "${String(step)}"`);
  // Sound: an intersection of StepProps members is assignable to each of them; TypeScript just
  // cannot see that through the generic K.
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
