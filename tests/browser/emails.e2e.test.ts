import { chromium, type Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderEmail, type RenderedEmail, type TemplateKey } from "../../src/mail/render.js";
import { SAMPLE_KEYS, SAMPLE_PROPS } from "../support/email-samples.js";
import { CHROMIUM, CHROMIUM_ARGS } from "../support/browser.js";

/**
 * Every email, rendered as it is sent and opened in Chromium at phone and desktop widths (issue 15:
 * one raw 110-character URL made every email 500–760 px wider than a 375 px phone). No server
 * and no database: the HTML goes straight into the page with setContent.
 */
const WIDTHS = [320, 375, 600] as const;
/** The emails whose main action is a button (the sequence's later steps carry a text link). */
const WITH_BUTTON: readonly TemplateKey[] = ["confirm", "fresh-link", "welcome", "check-in"];

interface TextSample {
  text: string;
  size: number;
  small: boolean;
  color: string;
  background: string;
}

interface Measurement {
  viewport: number;
  scrollWidth: number;
  /** Elements whose right edge passes the viewport. */
  wide: string[];
  texts: TextSample[];
  buttonHeights: number[];
}

/** Runs in the page (a string: the project's TypeScript has no DOM types). */
const MEASURE = `(() => {
  const viewport = document.documentElement.clientWidth;
  const scrollWidth = Math.max(document.documentElement.scrollWidth, document.body.scrollWidth);
  const visible = (el) => {
    const cs = getComputedStyle(el);
    return cs.display !== "none" && cs.visibility !== "hidden" && el.getClientRects().length > 0;
  };
  const wide = [...document.body.querySelectorAll("*")]
    .filter((el) => visible(el) && el.getBoundingClientRect().right > viewport + 0.5)
    .map((el) => el.tagName + ": " + (el.textContent || "").trim().slice(0, 60));
  const background = (el) => {
    for (let e = el; e; e = e.parentElement) {
      const c = getComputedStyle(e).backgroundColor;
      if (c && c !== "transparent" && !/rgba\\(.*,\\s*0\\)$/.test(c)) return c;
    }
    return getComputedStyle(document.documentElement).backgroundColor;
  };
  const card = document.querySelector(".fur-card");
  const texts = [];
  for (const el of card.querySelectorAll("*")) {
    const own = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim() !== "");
    if (!own || !visible(el)) continue;
    const cs = getComputedStyle(el);
    texts.push({
      text: el.textContent.trim().slice(0, 60),
      size: parseFloat(cs.fontSize),
      small: el.closest(".fur-small") !== null,
      color: cs.color,
      background: background(el),
    });
  }
  const buttonHeights = [...card.querySelectorAll("a.fur-button")].map((a) => a.getBoundingClientRect().height);
  return { viewport, scrollWidth, wide, texts, buttonHeights };
})()`;

/** WCAG 2 contrast ratio of two CSS rgb()/rgba() colours (alpha ignored: the samples are opaque). */
function contrast(a: string, b: string): number {
  const luminance = (css: string) => {
    const [r, g, bl] = (css.match(/[\d.]+/g) ?? []).slice(0, 3).map((v) => {
      const c = Number(v) / 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r! + 0.7152 * g! + 0.0722 * bl!;
  };
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

describe("every email in a real browser", () => {
  let browser: Browser;
  const rendered = new Map<TemplateKey, RenderedEmail>();

  beforeAll(async () => {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
    });
    for (const key of SAMPLE_KEYS) rendered.set(key, await renderEmail(key, SAMPLE_PROPS[key] as never));
  });

  afterAll(async () => {
    await browser?.close();
  });

  async function measure(key: TemplateKey, width: number, colorScheme: "light" | "dark"): Promise<Measurement> {
    const page = await browser.newPage({ viewport: { width, height: 800 }, colorScheme });
    try {
      await page.setContent(rendered.get(key)!.html, { waitUntil: "load" });
      return (await page.evaluate(MEASURE)) as Measurement;
    } finally {
      await page.close();
    }
  }

  it.each(SAMPLE_KEYS)("%s: fits 320, 375 and 600 px without sideways scrolling, in readable sizes", async (key) => {
    for (const width of WIDTHS) {
      const m = await measure(key, width, "light");
      expect(m.viewport, `${key} @${width}`).toBe(width);
      expect(m.wide, `${key} @${width}: elements past the right edge`).toEqual([]);
      expect(m.scrollWidth, `${key} @${width}: page width`).toBeLessThanOrEqual(width);
      expect(m.texts.length).toBeGreaterThan(10);
      for (const t of m.texts) {
        if (t.small) expect(t.size, `${key} @${width}: small print "${t.text}"`).toBeGreaterThanOrEqual(12);
        else expect(t.size, `${key} @${width}: body text "${t.text}"`).toBeGreaterThanOrEqual(14);
      }
      if (WITH_BUTTON.includes(key)) expect(m.buttonHeights.length, key).toBeGreaterThan(0);
      for (const h of m.buttonHeights) expect(h, `${key} @${width}: button height`).toBeGreaterThanOrEqual(40);
    }
  });

  it.each(SAMPLE_KEYS)("%s: text contrast is at least 4.5:1 in light and in dark mode", async (key) => {
    const light = await measure(key, 375, "light");
    const dark = await measure(key, 375, "dark");
    // The dark palette really applies (a client honouring prefers-color-scheme recolours the card)…
    expect(dark.texts[0]!.background).not.toBe(light.texts[0]!.background);
    expect(dark.wide, `${key} dark`).toEqual([]);
    for (const [mode, m] of [["light", light], ["dark", dark]] as const) {
      for (const t of m.texts) {
        // …and every text on it stays readable.
        expect(contrast(t.color, t.background), `${key} ${mode}: "${t.text}" ${t.color} on ${t.background}`).toBeGreaterThanOrEqual(4.5);
      }
    }
  });

  it("covers every template, the check-in and its four last emails included (issue 27)", () => {
    for (const key of ["check-in", "check-in-worse", "check-in-same", "check-in-better", "closing"] as const) {
      expect(SAMPLE_KEYS).toContain(key);
    }
  });

  it("check-in: shows its three answer buttons (each ≥ 40 px tall, above) at 320 px", async () => {
    const m = await measure("check-in", 320, "light");
    expect(m.buttonHeights).toHaveLength(3);
  });

  it.each(SAMPLE_KEYS)("%s: the plain-text part keeps every link's full URL", (key) => {
    const { html, text } = rendered.get(key)!;
    const hrefs = [...html.matchAll(/<a\b[^>]*href="([^"]+)"/g)].map((m) => m[1]!.replaceAll("&amp;", "&"));
    expect(hrefs.some((href) => href.length > 100)).toBe(true);
    for (const href of hrefs) expect(text).toContain(href);
  });
});
