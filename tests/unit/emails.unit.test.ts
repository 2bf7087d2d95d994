import { describe, expect, it } from "vitest";
import { ANSWER_LABELS } from "../../emails/check-in.js";
import { USEFUL_QUESTION } from "../../emails/check-in-better.js";
import { replyNote } from "../../emails/components/layout.js";
import { BOOKING_LABEL, BOOKING_PURPOSE, NOTES_PAGE_TITLE, READING_TITLES } from "../../emails/components/next-steps.js";
import {
  DEFAULT_CARE,
  EMERGENCY_SIGNS,
  emergencyAction,
  reminderEmergency,
  reminderSameDay,
  SAME_DAY_SIGNS,
  sameDayAction,
} from "../../emails/components/red-flags-wording.js";
import type { BaseEmailProps, CareContacts, CheckInEmailProps, EmailLink, MistakesEmailProps } from "../../emails/props.js";
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

const answers: CheckInEmailProps["answers"] = {
  betterUrl: "https://flare.example/check-in/a-better-789",
  sameUrl: "https://flare.example/check-in/a-same-789",
  worseUrl: "https://flare.example/check-in/a-worse-789",
};

/** Props that fit every step, so one object serves the loop below. */
function propsFor(overrides: Partial<MistakesEmailProps & CheckInEmailProps> = {}): PropsFor<StepKey> {
  return { ...base, toolLinks: [plainLink, affiliateLink], answers, ...overrides };
}

/** The steps that hold the full, graded red-flag boxes; every other step holds the compact reminder. */
const FULL_RED_FLAGS: readonly StepKey[] = ["red-flags", "check-in-worse"];

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
    if (FULL_RED_FLAGS.includes(step)) {
      expect(text).toContain(emergencyAction(DEFAULT_CARE));
      expect(text).toContain(sameDayAction(DEFAULT_CARE));
      for (const sign of [...EMERGENCY_SIGNS, ...SAME_DAY_SIGNS]) expect(text).toContain(sign);
    } else {
      // The same compact reminder, word for word, in every other step (the hands-on ones too).
      expect(text).toContain(reminderEmergency(DEFAULT_CARE));
      expect(text).toContain(reminderSameDay(DEFAULT_CARE));
      // Item 1: the reminder keeps the two phrases people act on.
      expect(text).toContain("or new changes in either");
      expect(text).toMatch(/don't wait/);
    }
    expect(text).toMatch(/bladder or bowel control/);
    expect(text).toMatch(/numbness in the groin/i);
    expect(text).toMatch(/saddle area/);
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
      const later = !["welcome", "triggers", "check-in"].includes(step);
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
      "Loss of bladder or bowel control, or new changes in either; difficulty passing urine; numbness in the groin, saddle area or genitals; or symptoms in both legs: call 911 or go to an emergency department now, don't wait.",
    );
    expect(text).toContain(
      "Leg weakness that keeps getting worse, or severe or rapidly worsening symptoms, needs a clinician the same day: call your clinician, or go to urgent care out of hours.",
    );
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
    expect((html.match(/<li\b/g) ?? []).length).toBe(EMERGENCY_SIGNS.length + SAME_DAY_SIGNS.length);
    const emergency = text.slice(text.indexOf("Emergency care now"), text.indexOf("A clinician the same day"));
    expect(emergency).toMatch(/loss of bladder or bowel control, or new changes in either/i);
    expect(emergency).toMatch(/numbness in the groin or saddle area/i);
    expect(emergency).toContain("Don't wait for an appointment: call 911 or go to the nearest emergency department now.");
    const sameDay = text.slice(text.indexOf("A clinician the same day"), text.indexOf("Why they matter"));
    expect(sameDay).toMatch(/leg weakness that keeps getting worse/i);
    expect(sameDay).toMatch(/severe or rapidly worsening/i);
    expect(sameDay).toContain("Contact a clinician the same day");
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

/** The plain-text part as blocks (html-to-text separates paragraphs, boxes and lists by blank lines). */
function blocks(text: string): string[] {
  return text
    .split(/\n\s*\n/)
    .map((b) => b.trim())
    .filter((b) => b !== "");
}

const CARE: CareContacts = { emergencyNumber: "999", clinicPhone: "(555) 010-0199", clinicHours: "Mon–Fri 8am–6pm" };

describe("check-in", () => {
  it("asks how it is now compared with when the guide came, with three first-party answer buttons", async () => {
    const { html, text, subject } = await renderEmail("check-in", propsFor());
    expect(subject).toMatch(/how is it now, compared with when you got the guide\?/i);
    // react-email's Button pads its label with hair spaces (for Outlook); the label is what remains.
    const links = anchors(html).map((a) => ({ ...a, text: a.text.replace(/&#820[23];/g, "") }));
    for (const [key, label] of Object.entries(ANSWER_LABELS) as [keyof typeof ANSWER_LABELS, string][]) {
      expect(links).toContainEqual({ href: answers[key], text: label });
      expect(text).toContain(`${label} ${answers[key]}`);
    }
    expect(Object.values(ANSWER_LABELS)).toEqual(["Better", "About the same", "Worse"]);
    expect(text).toContain(reminderEmergency(DEFAULT_CARE));
  });

  it("takes its answer links only from the props: no answer link in any other step", async () => {
    for (const step of STEP_KEYS.filter((k) => k !== "check-in")) {
      const { html } = await renderEmail(step, propsFor());
      for (const url of Object.values(answers)) expect(html, step).not.toContain(url);
    }
  });
});

describe("check-in-worse", () => {
  const props = propsFor({ bookingUrl: "https://clinic.example/book", care: CARE });

  it("puts the emergency signs first, then same-day care and how to reach it, then gentler strategies and the positions", async () => {
    const { text } = await renderEmail("check-in-worse", props);
    const at = (needle: string) => {
      const i = text.indexOf(needle);
      expect(i, needle).toBeGreaterThan(-1);
      return i;
    };
    const order = [
      at("Emergency care now"),
      at(emergencyAction(CARE)),
      at("A clinician the same day"),
      at(sameDayAction(CARE)),
      at("gentler often works better early on"),
      at("aggressive stretching"),
      at("Back to the calming positions"),
      at("The 90–90 position"),
      at(BOOKING_LABEL),
    ];
    expect(order).toEqual([...order].sort((a, b) => a - b));
    // Nothing comes before the emergency signs but the greeting and a line of thanks.
    expect(text.slice(0, order[0]).match(/\n\s*\n/g)?.length ?? 0).toBeLessThanOrEqual(6);
    expect(text).toContain(`call us on ${CARE.clinicPhone} (${CARE.clinicHours})`);
    expect(text).toMatch(/urgent care/);
  });

  it("says what the booking link is for: symptoms that are not settling, not the urgent signs", async () => {
    const { text } = await renderEmail("check-in-worse", props);
    const booking = blocks(text).find((b) => b.includes(BOOKING_LABEL))!;
    expect(booking).toContain(BOOKING_PURPOSE);
    expect(BOOKING_PURPOSE).toMatch(/not settling — not for the urgent signs/);
  });

  it("draws the emergency box apart from the same-day box", async () => {
    const { html } = await renderEmail("check-in-worse", props);
    const emergency = /<table[^>]*class="fur-emergency"[^>]*style="([^"]*)"/.exec(html);
    const sameDay = /<table[^>]*class="fur-care"[^>]*style="([^"]*)"/.exec(html);
    expect(emergency?.[1]).toMatch(/border-left:6px solid/);
    expect(sameDay?.[1]).not.toMatch(/border-left/);
    const background = (style: string) => /background-color:([^;]+)/.exec(style)?.[1];
    expect(background(emergency![1]!)).not.toBe(background(sameDay![1]!));
  });
});

describe("check-in-same", () => {
  it("reintroduces movement gradually and says when to book", async () => {
    const { text } = await renderEmail("check-in-same", propsFor({ bookingUrl: "https://clinic.example/book" }));
    expect(text).toMatch(/gradual movement can be reintroduced/i);
    expect(text).toMatch(/short walks/i);
    expect(text).toContain("When to book an assessment");
    expect(text).toMatch(/not settling/);
    expect(text).toContain(`${BOOKING_LABEL} https://clinic.example/book`);
  });
});

describe("check-in-better", () => {
  it("says keep going, points to the guide's notes page and asks whether the series was useful, by reply", async () => {
    const { GUIDE } = await import("../../src/guide/content.js");
    expect(GUIDE.notes.heading).toBe(NOTES_PAGE_TITLE);
    const { text } = await renderEmail("check-in-better", propsFor());
    expect(text).toMatch(/keep going/i);
    expect(text).toContain(`"${NOTES_PAGE_TITLE}"`);
    expect(text).toContain(USEFUL_QUESTION);
    expect(text).toMatch(/Just reply to this email with a word or two/);
  });
});

describe("closing", () => {
  it("recaps the series and points to the notes page", async () => {
    const { text } = await renderEmail("closing", propsFor());
    for (const topic of ["Why it flares", "Calming positions", "The common mistake", "Easing back", "Red flags"]) {
      expect(text).toContain(topic);
    }
    expect(text).toContain(`"${NOTES_PAGE_TITLE}"`);
    expect(text).toMatch(/last email of the Flare-Up Reset series/);
  });
});

describe("the clinician's list (issue 27)", () => {
  it("1: the emergency list is complete, in short lines, with don't wait and the local number", () => {
    const signs = EMERGENCY_SIGNS.join("\n");
    expect(signs).toMatch(/both legs/);
    expect(signs).toMatch(/difficulty starting to pass urine, or not feeling your bladder fill/i);
    expect(signs).toMatch(/genitals.*sexual function/i);
    expect(signs).toMatch(/or new changes in either/);
    for (const sign of EMERGENCY_SIGNS) expect(sign.length, sign).toBeLessThanOrEqual(80);
    expect(emergencyAction({ emergencyNumber: "112" })).toBe(
      "Don't wait for an appointment: call 112 or go to the nearest emergency department now.",
    );
  });

  it.each(STEP_KEYS)("1: %s names EMERGENCY_NUMBER when set, and not 911", async (step) => {
    const { text } = await renderEmail(step, propsFor({ care: CARE }));
    expect(text).toContain("call 999");
    expect(text).not.toContain("911");
  });

  it.each(STEP_KEYS)("2: %s never puts the booking link directly under the emergency signs, and says what it is for", async (step) => {
    const { text } = await renderEmail(step, propsFor({ bookingUrl: "https://clinic.example/book", care: CARE }));
    const all = blocks(text);
    const at = all.findIndex((b) => b.includes(BOOKING_LABEL));
    if (at === -1) return expect(["welcome", "triggers", "check-in"]).toContain(step);
    expect(all[at]).toContain(BOOKING_PURPOSE);
    const above = all[at - 1] ?? "";
    expect(above).not.toContain(reminderEmergency(CARE));
    expect(above).not.toContain(emergencyAction(CARE));
    expect(above).not.toContain(sameDayAction(CARE));
    for (const sign of EMERGENCY_SIGNS) expect(above).not.toContain(sign);
  });

  it("1 and 3: the guide names the clinic's emergency number and same-day phone", async () => {
    const { guideContent } = await import("../../src/guide/content.js");
    const [emergency, sameDay] = guideContent(CARE).redFlags.groups;
    expect(emergency!.items).toEqual(EMERGENCY_SIGNS);
    expect(emergency!.action).toBe(emergencyAction(CARE));
    expect(emergency!.action).toContain("call 999");
    expect(sameDay!.action).toBe(sameDayAction(CARE));
  });

  it("3: same-day care says how: the clinic's phone and hours when set, urgent care out of hours", () => {
    expect(sameDayAction(CARE)).toBe(
      "Contact a clinician the same day: call us on (555) 010-0199 (Mon–Fri 8am–6pm). Out of hours, go to an urgent care center.",
    );
    expect(sameDayAction({ emergencyNumber: "911", clinicPhone: "(555) 010-0199" })).not.toContain("(Mon");
    expect(sameDayAction(DEFAULT_CARE)).toMatch(/call your clinician or your doctor's office.*urgent care center/);
    expect(reminderSameDay(CARE)).toContain("call us on (555) 010-0199, or go to urgent care out of hours");
  });

  it.each<TemplateKey>(["confirm", "fresh-link", ...STEP_KEYS])(
    "4: %s says the reply inbox is not watched for urgent symptoms, and when a person answers",
    async (key) => {
      const props = { ...propsFor({ care: CARE }), confirmUrl: base.guideUrl, validDays: 7 };
      const { text } = await renderEmail(key, props as never);
      expect(text).toContain(replyNote(CARE));
      expect(replyNote(CARE)).toMatch(/Just reply to this email: a person on our team reads replies during clinic hours \(Mon–Fri 8am–6pm\)/);
      expect(replyNote(CARE)).toMatch(/not watched for urgent symptoms.*call 999/);
      expect(replyNote(DEFAULT_CARE)).toMatch(/reads replies on working days/);
    },
  );

  it("5: the supplement block asks the reader to ask their clinician; no 'high-strength' anywhere", async () => {
    const { text } = await renderEmail("mistakes", { ...base, toolLinks: [affiliateLink] });
    expect(text).toMatch(/question for your clinician or pharmacist/);
    expect(text).not.toMatch(/high-strength|high-quality supplements/i);
    expect(text).toMatch(/CBD topical creams/);
    const { GUIDE } = await import("../../src/guide/content.js");
    expect(JSON.stringify(GUIDE)).not.toMatch(/high-strength/);
  });

  it("5: no supplement link is configured, no supplement block is sent", async () => {
    const links = toolLinks({ toolsUrl: undefined, supplementUrl: undefined });
    expect(links).toEqual([]);
    const { text } = await renderEmail("mistakes", { ...base, toolLinks: links });
    expect(text).not.toMatch(/Supplement support|supplement, you can browse|thorne/i);
  });

  it("7: the confirmation email mentions commissions, like the form and its stored consent", async () => {
    const { CONFIRM_CONSENT } = await import("../../src/campaign/wording.js");
    const { text } = await renderEmail("confirm", { ...base, confirmUrl: base.guideUrl, validDays: 7 });
    expect(text).toMatch(/with links the clinic may earn a commission from/);
    expect(CONFIRM_CONSENT.wording).toMatch(/with links the clinic may earn a commission from/);
    expect(CONFIRM_CONSENT.formVersion).toBe("confirm-email-v3");
  });

  it("8: one name for the 90–90 position, 'common questions', one leg in the numbness sentence", async () => {
    const { GUIDE } = await import("../../src/guide/content.js");
    const { NUMBNESS_CONTRAST } = await import("../../emails/components/red-flags-wording.js");
    for (const step of STEP_KEYS) {
      const { text } = await renderEmail(step, propsFor());
      expect(text, step).not.toMatch(/decompression/i);
    }
    expect(JSON.stringify(GUIDE)).not.toMatch(/decompression|ask us most often/i);
    expect(GUIDE.sections.find((x) => x.id === "questions")?.lead).toMatch(/^Common questions/);
    expect(NUMBNESS_CONTRAST).toMatch(/^Numbness or tingling in part of one leg or foot/);
    expect(NUMBNESS_CONTRAST).toMatch(/both legs.*emergency care now/);
  });
});
