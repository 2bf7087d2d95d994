import { describe, expect, it } from "vitest";
import { BOOKING_LABEL, READING_TITLES } from "../../emails/components/next-steps.js";
import {
  EMERGENCY_ACTION,
  REMINDER_EMERGENCY,
  REMINDER_SAME_DAY,
  SAME_DAY_ACTION,
} from "../../emails/components/red-flags-wording.js";
import type { BaseEmailProps, EmailLink, MistakesEmailProps } from "../../emails/props.js";
import { toolLinks } from "../../src/campaign/compose.js";
import { STEP_KEYS, type StepKey } from "../../src/campaign/steps.js";
import { emailTemplates, renderEmail, type PropsFor, type TemplateKey } from "../../src/mail/render.js";

const base: BaseEmailProps = {
  guideUrl: "https://flare.example/guide/g-token-123",
  unsubscribeUrl: "https://flare.example/unsubscribe/u-token-456",
  postalAddress: "42 Harbour Road, Suite 5, Port Town 12345",
  clinicName: "Example Spine Clinic",
};
const affiliateLink: EmailLink = { kind: "supplements", label: "Thorne supplements", url: "https://www.thorne.com/u/PR2106491", affiliate: true };
const plainLink: EmailLink = { kind: "tools", label: "Clinician-curated tools", url: "https://flare.example/tools" };

const DISCLAIMER = /not medical advice/i;
const AFFILIATE = /affiliate disclosure/i;

/** Props that fit every step, so one object serves the loop below. */
function propsFor(overrides: Partial<MistakesEmailProps> = {}): PropsFor<StepKey> {
  const answers = { betterUrl: "https://flare.example/check-in/b", sameUrl: "https://flare.example/check-in/s", worseUrl: "https://flare.example/check-in/w" };
  return { ...base, toolLinks: [plainLink, affiliateLink], answers, ...overrides };
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

  it("greets by first name inside, and keeps the name out of the subject", async () => {
    const { html, text, subject } = await renderEmail(step, propsFor({ firstName: "Ana" }));
    expect(html).toContain("Hi Ana,");
    expect(text).toContain("Hi Ana,");
    expect(subject).not.toContain("Ana");
    expect(subject).toBe((await renderEmail(step, propsFor())).subject);
  });

  it.each([undefined, null, "", "   "])("shows no 'undefined' or 'null' when firstName is %j", async (firstName) => {
    const { html, text, subject } = await renderEmail(step, propsFor({ firstName }));
    for (const part of [html, text, subject]) expect(part).not.toMatch(/undefined|null/i);
    expect(text).toContain("Hi there,");
    expect(subject).not.toMatch(/^\s*,/);
  });

  it("has a subject that is non-empty and at most 80 characters, whatever the name", async () => {
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
    expect(subject).not.toMatch(/[\r\n]|script/);
  });

  it("says plainly which signs need emergency care now and which need a clinician the same day", async () => {
    const { text } = await renderEmail(step, propsFor());
    // Unconditional: no "if they come on suddenly, or you can't reach your clinician".
    expect(text).not.toMatch(/come on suddenly|can't reach your clinician|promptly/i);
    if (step === "red-flags") {
      expect(text).toContain(EMERGENCY_ACTION);
      expect(text).toContain(SAME_DAY_ACTION);
    } else {
      // The same compact reminder, word for word, in every other step (the hands-on ones too).
      expect(text).toContain(REMINDER_EMERGENCY);
      expect(text).toContain(REMINDER_SAME_DAY);
    }
    expect(text).toMatch(/bladder or bowel control/);
    expect(text).toMatch(/groin or saddle area/);
  });

  it("stays under Gmail's 102 KB clipping point with every optional block present", async () => {
    const { html } = await renderEmail(step, propsFor(everything));
    expect(Buffer.byteLength(html, "utf8")).toBeLessThan(102 * 1024);
  });
});

const everything: Partial<MistakesEmailProps> = {
  firstName: "Ana",
  bookingUrl: "https://clinic.example/book",
  reading: {
    starterGuideUrl: "https://clinic.example/starter",
    loadCapacityUrl: "https://clinic.example/load-vs-capacity",
    positionsUrl: "https://clinic.example/3-positions",
  },
};

/** Every `<a href>` of an email with its visible text. */
function anchors(html: string): { href: string; text: string }[] {
  return [...html.matchAll(/<a\b[^>]*href="([^"]*)"[^>]*>([\s\S]*?)<\/a>/g)].map((m) => ({
    href: m[1]!.replaceAll("&amp;", "&"),
    text: m[2]!.replace(/<[^>]*>/g, "").trim(),
  }));
}

const longUrl = (kind: string) => `https://guide.example-clinic.com/${kind}/${"eyJzdWIiOiIwYjlhM2Y1ZS0yYTdjIiwiZXhwIjoxNzk4MDAwMDAwfQ".repeat(2)}.sig`;

describe.each<TemplateKey>(["confirm", "fresh-link", ...STEP_KEYS])("links in %s", (key) => {
  const props = {
    ...propsFor(everything),
    guideUrl: longUrl("guide"),
    unsubscribeUrl: longUrl("unsubscribe"),
    confirmUrl: longUrl("confirm"),
    validDays: 7,
  };

  it("hide long URLs behind link text in the HTML, and keep every full URL in the plain text", async () => {
    const { html, text } = await renderEmail(key, props as never);
    const links = anchors(html);
    expect(links.length).toBeGreaterThan(0);
    for (const link of links) {
      // A raw URL as visible text is one unbreakable word that widens the email (issue 15).
      expect(link.text, link.href).not.toMatch(/^https?:\/\//);
      expect(text, link.text).toContain(link.href);
    }
  });

  it("has a subject without the reader's name", async () => {
    const { subject } = await renderEmail(key, { ...props, firstName: "Ana" } as never);
    expect(subject).not.toContain("Ana");
    expect(subject).toBe(emailTemplates[key].subject({ ...props, firstName: null } as never));
  });

  it("names the clinic once in the footer, beside a postal address that often holds the name too", async () => {
    const { text } = await renderEmail(key, { ...props, postalAddress: "Example Spine Clinic, 42 Harbour Road" } as never);
    const footer = text.slice(text.indexOf("not medical advice"));
    expect(footer.split("Example Spine Clinic").length - 1).toBe(2); // "you asked X…" + the address
    expect(footer).not.toContain("Example Spine Clinic · Example Spine Clinic");
  });
});

describe("settings-driven links", () => {
  it("show Book an assessment in the later steps only when BOOKING_URL is set", async () => {
    for (const step of STEP_KEYS) {
      const without = await renderEmail(step, propsFor());
      expect(without.text, step).not.toContain(BOOKING_LABEL);
      const withBooking = await renderEmail(step, propsFor({ bookingUrl: "https://clinic.example/book" }));
      const later = step === "positions" || step === "mistakes" || step === "red-flags";
      if (later) expect(withBooking.text, step).toContain(`${BOOKING_LABEL} https://clinic.example/book`);
      else expect(withBooking.text, step).not.toContain(BOOKING_LABEL);
    }
  });

  it("link each related-reading piece in its email when set, and leave it out when not", async () => {
    const where = { welcome: "starterGuideUrl", triggers: "loadCapacityUrl", positions: "positionsUrl" } as const;
    for (const [step, key] of Object.entries(where) as [keyof typeof where, keyof typeof READING_TITLES][]) {
      const url = `https://clinic.example/${key}`;
      const set = await renderEmail(step, propsFor({ reading: { [key]: url } }));
      expect(set.text, step).toContain(`${READING_TITLES[key]} ${url}`);
      const unset = await renderEmail(step, propsFor());
      expect(unset.text, step).not.toContain(READING_TITLES[key]);
      expect(unset.text, step).not.toMatch(/Further reading/);
    }
  });

  it("mark tools and supplement links as affiliate only when their flag says so", () => {
    const urls = { toolsUrl: "https://tools.example", supplementUrl: "https://supplements.example" };
    expect(toolLinks({ ...urls, toolsAffiliate: false, supplementAffiliate: true })).toEqual([
      { kind: "tools", label: "Clinician-curated recovery tools", url: urls.toolsUrl, affiliate: false },
      { kind: "supplements", label: "Thorne supplements", url: urls.supplementUrl, affiliate: true },
    ]);
    expect(toolLinks({ toolsUrl: undefined, supplementUrl: urls.supplementUrl }).map((l) => l.affiliate)).toEqual([false]);
    expect(toolLinks({ toolsUrl: undefined, supplementUrl: undefined })).toEqual([]);
  });
});

describe("welcome", () => {
  it("offers the guide as a button and a text link, and names what comes next", async () => {
    const { html, text } = await renderEmail("welcome", { ...base, firstName: "Ana" });
    expect(html.split(`href="${base.guideUrl}"`).length - 1).toBeGreaterThanOrEqual(2);
    for (const topic of ["Triggers", "Positions", "common mistake", "Red flags"]) expect(text).toContain(topic);
  });

  it("says in what's coming whether product links, and affiliate ones, will follow", async () => {
    const none = await renderEmail("welcome", { ...base, toolLinks: [] });
    expect(none.text).not.toMatch(/supplements you can browse|affiliate/);
    const plain = await renderEmail("welcome", { ...base, toolLinks: [plainLink] });
    expect(plain.text).toContain("plus links to supportive tools you can browse if you wish.");
    expect(plain.text).not.toMatch(/affiliate/);
    const both = await renderEmail("welcome", { ...base, toolLinks: [plainLink, affiliateLink] });
    expect(both.text).toContain(
      "plus links to supportive tools and supplements you can browse if you wish (some are affiliate links: the clinic may earn a commission).",
    );
  });

  it("says when to seek care now: emergency care for bladder, bowel or saddle signs, unconditionally", async () => {
    const { text } = await renderEmail("welcome", base);
    expect(text).toMatch(/When to seek care now/);
    expect(text).toContain(
      "Loss of bladder or bowel control, or numbness in the groin or saddle area, needs emergency care now: go to an emergency department or call your local emergency number.",
    );
    expect(text).toContain("Leg weakness that keeps getting worse, or severe or rapidly worsening symptoms, needs a clinician the same day.");
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

  it("words each block by the links that exist: a supplement alone never reads as the tools' shop", async () => {
    const supplementOnly = await renderEmail("mistakes", { ...base, toolLinks: [affiliateLink] });
    expect(supplementOnly.text).not.toMatch(/recovery tools, you can browse/);
    expect(supplementOnly.text).toContain(`If you're considering a supplement, you can browse:`);
    expect(supplementOnly.text).not.toMatch(/tools or supplements/);
    const toolsOnly = await renderEmail("mistakes", { ...base, toolLinks: [plainLink] });
    expect(toolsOnly.text).toContain("If you're exploring supportive recovery tools, you can browse:");
    expect(toolsOnly.text).not.toMatch(/considering a supplement|Supplement support/);
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
  it("grades the four red flags: emergency care now, a clinician the same day, and says why", async () => {
    const { html, text } = await renderEmail("red-flags", base);
    expect((html.match(/<li\b/g) ?? []).length).toBe(4);
    const emergency = text.slice(text.indexOf("Emergency care now"), text.indexOf("A clinician the same day"));
    expect(emergency).toMatch(/loss of bladder or bowel control/i);
    expect(emergency).toMatch(/numbness in the groin or saddle area/i);
    expect(emergency).toContain("Seek emergency care now: go to an emergency department or call your local emergency number.");
    const sameDay = text.slice(text.indexOf("A clinician the same day"), text.indexOf("Why they matter"));
    expect(sameDay).toMatch(/leg weakness that keeps getting worse/i);
    expect(sameDay).toMatch(/severe or rapidly worsening/i);
    expect(sameDay).toContain("Contact a clinician the same day.");
    // The preview promises "why they matter": the email keeps the promise.
    expect(emailTemplates["red-flags"].previewText).toMatch(/why they matter/);
    expect(text).toMatch(/Why they matter\s+\S+/);
    expect(text).toMatch(/compressed/);
  });
});

describe("the words, against the article", () => {
  const all = async () => {
    const parts: string[] = [];
    for (const key of ["confirm", "fresh-link", ...STEP_KEYS] as TemplateKey[]) {
      const { text, subject } = await renderEmail(key, { ...propsFor(everything), confirmUrl: base.guideUrl, validDays: 7 } as never);
      parts.push(subject, text, emailTemplates[key].previewText);
    }
    return parts.join("\n");
  };

  it("use US spelling, as the article does", async () => {
    expect(await all()).not.toMatch(/travell|towards|colour|behaviour|favour|centre|organis|recognis|realis|whilst|programme|practise/i);
  });

  it("claim no more than the article: no 'backfire', no 'rather than damage', no 'easier on the nerve'", async () => {
    expect(await all()).not.toMatch(/backfire|rather than damage|easier on the nerve|badly damaged/i);
  });
});
