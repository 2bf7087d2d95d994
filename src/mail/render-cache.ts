import { displayFirstName } from "../../emails/components/personalize.js";
import type { BaseEmailProps } from "../../emails/props.js";
import { emailTemplates, renderEmail, type PropsFor, type RenderedEmail, type TemplateKey } from "./render.js";

/**
 * Each template is rendered by React once per (step, with/without a first name, shape of its
 * props) with placeholders for the first name and every link, then personalised by substitution
 * (docs/architecture.md). Byte-identical to a fresh render: the values are escaped as React escapes
 * them, and the text part is not hard-wrapped (tests/unit/render-cache.unit.test.ts).
 */
const NAME = "Zq7FirstNameZq7";
const placeholderUrl = (n: number) => `https://placeholder.invalid/Zq7Link${n}Zq7`;
/** A prop holding a link: `url`, or a name ending in `Url` (guideUrl, bookingUrl, reading.positionsUrl…). */
const isLinkProp = (key: string) => key === "url" || key.endsWith("Url");

/** React's escapeTextForBrowser: the same five characters, the same entities. */
function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) =>
    c === "&" ? "&amp;" : c === "<" ? "&lt;" : c === ">" ? "&gt;" : c === '"' ? "&quot;" : "&#x27;",
  );
}

/** The props with every link replaced by a numbered placeholder (in a fixed order), and the links. */
function withPlaceholders(value: unknown, key: string, links: string[]): unknown {
  if (typeof value === "string" && isLinkProp(key)) {
    links.push(value);
    return placeholderUrl(links.length - 1);
  }
  if (Array.isArray(value)) return value.map((v: unknown, i) => withPlaceholders(v, String(i), links));
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withPlaceholders(v, k, links)]));
  }
  return value;
}

export class RenderCache {
  private readonly templates = new Map<string, Promise<RenderedEmail>>();

  /**
   * Sequence steps only; the confirmation email carries a confirm link and is rendered fresh.
   * The per-process constant props (clinic, address, which links exist) are part of the key.
   */
  async render<K extends Exclude<TemplateKey, "confirm" | "fresh-link">>(step: K, stepProps: PropsFor<K>): Promise<RenderedEmail> {
    // Every step's props extend BaseEmailProps; TypeScript cannot see it through the generic K.
    const props = stepProps as PropsFor<K> & BaseEmailProps;
    const name = displayFirstName(props.firstName);
    const links: string[] = [];
    const { firstName: _n, ...rest } = withPlaceholders(props, "", links) as typeof props;
    // A value that contains a placeholder could not be told apart; never happens with our links.
    if (links.some((link) => link.includes("placeholder.invalid/Zq7") || link.includes(NAME))) return renderEmail(step, props);
    const key = `${step}|${name === null ? "anonymous" : "named"}|${JSON.stringify(rest)}`;
    let template = this.templates.get(key);
    if (!template) {
      template = renderEmail(step, { ...rest, firstName: name === null ? null : NAME } as PropsFor<K>);
      template.catch(() => this.templates.delete(key));
      this.templates.set(key, template);
    }
    const cached = await template;
    // Replacer functions, not strings: a "$&" in a name must stay literal.
    const fill = (s: string, escape: (v: string) => string) =>
      links
        .reduce((out, link, i) => out.replaceAll(placeholderUrl(i), () => escape(link)), s)
        .replaceAll(NAME, () => escape(name ?? ""));
    const subject = emailTemplates[step].subject(props as never);
    return { subject, html: fill(cached.html, escapeHtml), text: fill(cached.text, (v) => v) };
  }
}
