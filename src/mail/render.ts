import { createElement, type ReactElement } from "react";
import { render } from "@react-email/render";
import Confirm, * as confirm from "../../emails/confirm.js";
import GuideLink, * as guideLink from "../../emails/guide-link.js";
import Mistakes, * as mistakes from "../../emails/mistakes.js";
import Positions, * as positions from "../../emails/positions.js";
import type {
  BaseEmailProps,
  ConfirmEmailProps,
  GuideLinkEmailProps,
  MistakesEmailProps,
  WelcomeEmailProps,
} from "../../emails/props.js";
import RedFlags, * as redFlags from "../../emails/red-flags.js";
import Triggers, * as triggers from "../../emails/triggers.js";
import Welcome, * as welcome from "../../emails/welcome.js";
import type { StepKey } from "../campaign/steps.js";

/**
 * Every template: the sequence's steps and the double opt-in confirmation, which is not a step
 * (it is never a delivery and never in the per-step stats; its Resend tag is step=confirm).
 */
export type TemplateKey = StepKey | "confirm" | "guide-link";

/** The props each template needs. Adding a step to STEP_KEYS without a row here fails to compile. */
export interface StepProps {
  confirm: ConfirmEmailProps;
  /** "Mail me a fresh link" from an expired guide link: not a step either (tag step=guide-link). */
  "guide-link": GuideLinkEmailProps;
  welcome: WelcomeEmailProps;
  triggers: BaseEmailProps;
  positions: BaseEmailProps;
  mistakes: MistakesEmailProps;
  "red-flags": BaseEmailProps;
}

type UnionToIntersection<U> = (U extends unknown ? (arg: U) => void : never) extends (arg: infer I) => void
  ? I
  : never;

/**
 * The props `renderEmail(step, …)` accepts. For a literal step it is `StepProps[step]`; for a step
 * only known as `StepKey` (say, read from a job) the props must fit every step it could be, so
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
  "guide-link": { component: GuideLink, subject: guideLink.subject, previewText: guideLink.previewText },
  welcome: { component: Welcome, subject: welcome.subject, previewText: welcome.previewText },
  triggers: { component: Triggers, subject: triggers.subject, previewText: triggers.previewText },
  positions: { component: Positions, subject: positions.subject, previewText: positions.previewText },
  mistakes: { component: Mistakes, subject: mistakes.subject, previewText: mistakes.previewText },
  "red-flags": { component: RedFlags, subject: redFlags.subject, previewText: redFlags.previewText },
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
