import { describe, expect, it } from "vitest";
import type { BaseEmailProps, EmailLink, MistakesEmailProps } from "../../emails/props.js";
import { STEP_KEYS, type StepKey } from "../../src/campaign/steps.js";
import { emailTemplates, renderEmail, type PropsFor } from "../../src/mail/render.js";

const base: BaseEmailProps = {
  guideUrl: "https://flare.example/guide/g-token-123",
  unsubscribeUrl: "https://flare.example/unsubscribe/u-token-456",
  postalAddress: "42 Harbour Road, Suite 5, Port Town 12345",
  clinicName: "Example Spine Clinic",
};
const affiliateLink: EmailLink = { label: "Thorne supplements", url: "https://www.thorne.com/u/PR2106491", affiliate: true };
const plainLink: EmailLink = { label: "Clinician-curated tools", url: "https://flare.example/tools" };

const DISCLAIMER = /not medical advice/i;
const AFFILIATE = /affiliate disclosure/i;

/** Props that fit every step, so one object serves the loop below. */
function propsFor(overrides: Partial<MistakesEmailProps> = {}): PropsFor<StepKey> {
  return { ...base, toolLinks: [plainLink, affiliateLink], ...overrides };
}

/** React's escaping of text content, to find a string in the HTML as it is written there. */
function escapeHtml(value: string): string {
  return value
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&#x27;");
}

describe.each(STEP_KEYS)("email %s", (step) => {
  it("carries the guide link, unsubscribe link, postal address and disclaimer in html and text", async () => {
    const { html, text } = await renderEmail(step, propsFor());
    for (const part of [html, text]) {
      expect(part).toContain(base.guideUrl);
      expect(part).toContain(base.unsubscribeUrl);
      expect(part).toContain(base.postalAddress);
      expect(part).toMatch(DISCLAIMER);
    }
    expect(html).toMatch(new RegExp(`<a[^>]*href="${base.unsubscribeUrl}"[^>]*>\\s*Unsubscribe\\s*</a>`));
    expect(html).toMatch(new RegExp(`<a[^>]*href="${base.guideUrl}"`));
  });

  it("puts the preview text first inside <body>, before the visible content", async () => {
    // Guards the react-email pitfall: a <Preview> between </head> and <body> is a div outside the
    // body, invalid HTML that strict clients drop (documenso#3004, react-email#2698).
    const { html } = await renderEmail(step, propsFor());
    const preview = escapeHtml(emailTemplates[step].previewText);
    const bodyAt = html.indexOf("<body");
    const previewAt = html.indexOf(preview);
    expect(bodyAt).toBeGreaterThan(-1);
    expect(previewAt).toBeGreaterThan(bodyAt);
    expect(previewAt).toBeLessThan(html.indexOf("<h1"));
    // The first occurrence is the hidden preheader, not the visible opening line.
    expect(html.slice(html.lastIndexOf("<div", previewAt), previewAt)).toContain('data-skip-in-text="true"');
  });

  it("says in the plain-text part what the reader sees: heading, preview line, body", async () => {
    const { text } = await renderEmail(step, propsFor());
    const title = emailTemplates[step].subject(propsFor());
    expect(text).toContain(title);
    expect(text).toContain(emailTemplates[step].previewText);
    expect(text).toContain("Unsubscribe");
  });

  it("greets by first name when given", async () => {
    const { html, text, subject } = await renderEmail(step, propsFor({ firstName: "Ana" }));
    expect(html).toContain("Hi Ana,");
    expect(text).toContain("Hi Ana,");
    expect(subject).toMatch(/^Ana, /);
  });

  it.each([undefined, null, "", "   "])("shows no 'undefined' or 'null' when firstName is %j", async (firstName) => {
    const { html, text, subject } = await renderEmail(step, propsFor({ firstName }));
    for (const part of [html, text, subject]) expect(part).not.toMatch(/undefined|null/i);
    expect(text).toContain("Hi there,");
    expect(subject).not.toMatch(/^\s*,/);
  });

  it("has a subject that is non-empty and at most 80 characters, even for a long name", async () => {
    for (const firstName of [undefined, "Ana", "Maximiliana-Josefina Alexandra Theodora von Hohenzollern-Sigmaringen"]) {
      const { subject } = await renderEmail(step, propsFor({ firstName }));
      expect(subject.trim().length).toBeGreaterThan(0);
      expect(subject.length).toBeLessThanOrEqual(80);
    }
  });

  it("escapes a first name containing markup in the html", async () => {
    const firstName = '<script>alert("x")</script>';
    const { html, subject } = await renderEmail(step, propsFor({ firstName }));
    expect(html).not.toContain("<script");
    expect(html).toContain("Hi &lt;script&gt;");
    expect(subject).not.toMatch(/[\r\n]/);
  });
});

describe("welcome", () => {
  it("offers the guide as a button and a plain link, and names what comes next", async () => {
    const { html, text } = await renderEmail("welcome", { ...base, firstName: "Ana" });
    expect(html.split(`href="${base.guideUrl}"`).length - 1).toBeGreaterThanOrEqual(2);
    for (const topic of ["Triggers", "Positions", "common mistake", "Red flags"]) expect(text).toContain(topic);
  });

  it("says when to seek care now, pointing to a clinician", async () => {
    const { text } = await renderEmail("welcome", base);
    expect(text).toMatch(/When to seek care now/);
    expect(text).toMatch(/weakness/);
    expect(text).toMatch(/groin or saddle/);
    expect(text).toMatch(/bladder or bowel/);
    expect(text).toMatch(/rapidly worsening pain/);
    expect(text).toMatch(/contact a clinician or seek urgent care/i);
  });

  it("uses a neutral greeting and a non-personal subject without a name", async () => {
    const { text, subject } = await renderEmail("welcome", base);
    expect(text).toContain("Hi there,");
    expect(subject).toBe("Your Flare-Up Reset Guide is here");
  });
});

describe("positions", () => {
  it("names all three positions and easing back into movement", async () => {
    const { text } = await renderEmail("positions", base);
    expect(text).toContain("90–90");
    expect(text).toMatch(/supported child's pose/i);
    expect(text).toMatch(/side-lying with a pillow between the knees/i);
    expect(text).toMatch(/short walks/i);
  });
});

describe("mistakes", () => {
  it("renders every tool link and the affiliate disclosure when a link is affiliate", async () => {
    const { html, text } = await renderEmail("mistakes", { ...base, toolLinks: [plainLink, affiliateLink] });
    for (const link of [plainLink, affiliateLink]) {
      expect(html).toContain(`href="${link.url}"`);
      expect(text).toContain(link.url);
      expect(text).toContain(link.label);
    }
    expect(html).toMatch(AFFILIATE);
    expect(text).toMatch(AFFILIATE);
    expect(text).toContain("(affiliate link)");
    expect(text).toMatch(/aggressive stretching/i);
  });

  it("leaves the affiliate disclosure out when no link is affiliate", async () => {
    const { html, text } = await renderEmail("mistakes", { ...base, toolLinks: [plainLink] });
    expect(text).toContain(plainLink.url);
    expect(html).not.toMatch(AFFILIATE);
    expect(text).not.toMatch(AFFILIATE);
    expect(text).not.toContain("(affiliate link)");
  });

  it("renders without tool links at all", async () => {
    const { text } = await renderEmail("mistakes", { ...base, toolLinks: [] });
    expect(text).not.toMatch(AFFILIATE);
    expect(text).toContain(base.guideUrl);
  });

  it("requires toolLinks at compile time, also when the step is only known as StepKey", () => {
    // Never called: `tsc --noEmit` (part of `npm test`) checks these lines.
    const typeChecks = (someStep: StepKey) => {
      // @ts-expect-error mistakes needs toolLinks
      void renderEmail("mistakes", base);
      // @ts-expect-error a step read from a job could be mistakes
      void renderEmail(someStep, base);
      void renderEmail("welcome", base);
    };
    expect(typeof typeChecks).toBe("function");
  });
});

describe("red-flags", () => {
  it("lists the four red flags and points to a clinician", async () => {
    const { html, text } = await renderEmail("red-flags", base);
    expect((html.match(/<li\b/g) ?? []).length).toBe(4);
    expect(text).toMatch(/leg weakness that keeps getting worse/i);
    expect(text).toMatch(/numbness in the groin or saddle area/i);
    expect(text).toMatch(/loss of bladder or bowel control/i);
    expect(text).toMatch(/severe or rapidly worsening/i);
    expect(text).toMatch(/contact a healthcare professional promptly/i);
    expect(text).toMatch(/seek urgent care/i);
  });
});
