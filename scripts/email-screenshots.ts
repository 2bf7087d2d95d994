/**
 * Regenerates docs/emails/*.png: every email at a 375 px phone width, in Chromium, with the
 * worst-case sample props of tests/support/email-samples.ts (long personal links, every optional block).
 * Not run by the tests. Usage: npx tsx scripts/email-screenshots.ts [--dark]
 * (CHROMIUM_PATH overrides /usr/bin/chromium).
 */
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { chromium } from "playwright-core";
import { renderEmail } from "../src/mail/render.js";
import { SAMPLE_KEYS, SAMPLE_PROPS } from "../tests/support/email-samples.js";

const dark = process.argv.includes("--dark");
const out = path.resolve("docs/emails");
await mkdir(out, { recursive: true });
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--no-first-run"],
});
try {
  for (const key of SAMPLE_KEYS) {
    const { html } = await renderEmail(key, SAMPLE_PROPS[key] as never);
    // deviceScaleFactor 1 keeps the PNGs small enough for the repository.
    const page = await browser.newPage({ viewport: { width: 375, height: 812 }, colorScheme: dark ? "dark" : "light" });
    await page.setContent(html, { waitUntil: "load" });
    const file = path.join(out, `${key}${dark ? "-dark" : ""}.png`);
    await page.screenshot({ path: file, fullPage: true });
    await page.close();
    console.log(path.relative(process.cwd(), file));
  }
} finally {
  await browser.close();
}
