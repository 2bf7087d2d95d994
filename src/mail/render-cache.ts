import { displayFirstName } from "../../emails/components/personalize.js";
import type { BaseEmailProps } from "../../emails/props.js";
import { emailTemplates, renderEmail, type PropsFor, type RenderedEmail, type TemplateKey } from "./render.js";

/**
 * A React render of an email costs milliseconds; a burst of thousands of welcomes cannot pay
 * that per reader. Each template is rendered once per (step, with/without a first name) with
 * placeholders for what differs between readers — the first name, the guide link and the
 * unsubscribe link — and personalising is then string substitution: microseconds.
 * The output is byte-identical to a fresh render (tests/unit/render-cache.unit.test.ts checks it
 * over awkward names and links), because the placeholders go exactly where React would put the
 * values, escaped exactly as React escapes text and attributes, and the plain-text part is not
 * hard-wrapped (so a value's length cannot move a line break).
 */
const NAME = "Zq7FirstNameZq7";
const GUIDE = "https://placeholder.invalid/Zq7Guide";
const UNSUBSCRIBE = "https://placeholder.invalid/Zq7Unsubscribe";

/** React's escapeTextForBrowser: the same five characters, the same entities. */
function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) =>
    c === "&" ? "&amp;" : c === "<" ? "&lt;" : c === ">" ? "&gt;" : c === '"' ? "&quot;" : "&#x27;",
  );
}

export class RenderCache {
  private readonly templates = new Map<string, Promise<RenderedEmail>>();

  /**
   * Sequence steps only (their personal values are exactly the three above); the confirmation
   * email carries a confirm link and is rendered fresh. The per-process constant props (clinic,
   * address, tool links) are part of the key.
   */
  async render<K extends Exclude<TemplateKey, "confirm" | "fresh-link">>(step: K, stepProps: PropsFor<K>): Promise<RenderedEmail> {
    // Every step's props extend BaseEmailProps; TypeScript cannot see it through the generic K.
    const props = stepProps as PropsFor<K> & BaseEmailProps;
    const name = displayFirstName(props.firstName);
    for (const [placeholder, value] of [
      [GUIDE, props.guideUrl],
      [UNSUBSCRIBE, props.unsubscribeUrl],
    ] as const) {
      // A value that contains a placeholder could not be told apart; never happens with our links.
      if (value.includes(placeholder)) return renderEmail(step, props);
    }
    const { firstName: _n, guideUrl: _g, unsubscribeUrl: _u, ...constant } = props;
    const key = `${step}|${name === null ? "anonymous" : "named"}|${JSON.stringify(constant)}`;
    let template = this.templates.get(key);
    if (!template) {
      const withPlaceholders = { ...props, firstName: name === null ? null : NAME, guideUrl: GUIDE, unsubscribeUrl: UNSUBSCRIBE };
      template = renderEmail(step, withPlaceholders as PropsFor<K>);
      template.catch(() => this.templates.delete(key));
      this.templates.set(key, template);
    }
    const cached = await template;
    // Replacer functions, not strings: a "$&" in a name must stay literal.
    const fill = (s: string, escape: (v: string) => string) =>
      s
        .replaceAll(GUIDE, () => escape(props.guideUrl))
        .replaceAll(UNSUBSCRIBE, () => escape(props.unsubscribeUrl))
        .replaceAll(NAME, () => escape(name ?? ""));
    const subject = emailTemplates[step].subject(props as never);
    return { subject, html: fill(cached.html, escapeHtml), text: fill(cached.text, (v) => v) };
  }
}
