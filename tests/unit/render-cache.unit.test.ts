import { describe, expect, it } from "vitest";
import { STEP_KEYS } from "../../src/campaign/steps.js";
import { RenderCache } from "../../src/mail/render-cache.js";
import { renderEmail } from "../../src/mail/render.js";

const constant = {
  care: { emergencyNumber: "999", clinicPhone: "(555) 010-0199", clinicHours: "Mon–Fri 8am–6pm & Sat <am>" },
  postalAddress: "PCS Clinic · 1 Main St · Springfield",
  clinicName: "PCS Clinic",
  toolLinks: [
    { kind: "tools" as const, label: "Recovery tools", url: "https://tools.example/list?a=1&b=2", affiliate: true },
    { kind: "supplements" as const, label: "Thorne supplements", url: "https://www.thorne.com/u/PR2106491", affiliate: true },
  ],
  bookingUrl: "https://clinic.example/book?from=email&x=<1>",
  reading: {
    starterGuideUrl: "https://clinic.example/starter",
    loadCapacityUrl: "https://clinic.example/load",
    positionsUrl: "https://clinic.example/positions",
  },
};

const names = [
  "Ana",
  null,
  "",
  "   ",
  "Zoë-Émilie O'Connor",
  'Bob "the builder" & <script>alert(1)</script>',
  "李小龍",
  "👩🏽‍⚕️ Dr. Amara",
  "Jean\u0000\u0007Luc\nPicard",
  "a".repeat(100),
  "$& $1 $$", // replacement patterns must be taken literally
];

const token = (n: number) => `${"x".repeat(n)}.Ab-_9`;
const links = (i: number) => ({
  guideUrl: `https://guide.example-clinic.com/guide/${token(40 + i * 7)}`,
  unsubscribeUrl: `https://guide.example-clinic.com/unsubscribe/${token(30 + i * 11)}`,
  // The check-in's answers: per reader, so each must be a placeholder too (their names end in Url).
  answers: {
    betterUrl: `https://guide.example-clinic.com/check-in/${token(20 + i * 5)}`,
    sameUrl: `https://guide.example-clinic.com/check-in/${token(21 + i * 5)}`,
    worseUrl: `https://guide.example-clinic.com/check-in/${token(22 + i * 5)}`,
  },
});

// What the cache saves (its cost against a fresh render) is measured by `npm run bench`
// (bench/render.ts), not asserted here: timing goals do not belong in unit tests.
describe("RenderCache", () => {
  it.each(STEP_KEYS)("%s: cached output is byte-identical to a fresh render, for every name and link", async (step) => {
    const cache = new RenderCache();
    for (const [i, firstName] of names.entries()) {
      const props = { ...constant, ...links(i), firstName };
      const fresh = await renderEmail(step, props);
      const cached = await cache.render(step, props);
      expect(cached.subject).toBe(fresh.subject);
      expect(cached.html).toBe(fresh.html);
      expect(cached.text).toBe(fresh.text);
    }
  });

  it("keeps no reader's data in a template: two readers never see each other's name or links", async () => {
    const cache = new RenderCache();
    const a = await cache.render("triggers", { ...constant, ...links(1), firstName: "Alice" });
    const b = await cache.render("triggers", { ...constant, ...links(2), firstName: "Bruno" });
    expect(b.html).not.toContain("Alice");
    expect(b.html).not.toContain(links(1).guideUrl);
    expect(a.html).not.toContain("Bruno");
    expect(b.text).toContain(links(2).unsubscribeUrl);
  });

  it("keeps no reader's answer links in the check-in's template", async () => {
    const cache = new RenderCache();
    await cache.render("check-in", { ...constant, ...links(1), firstName: "Alice" });
    const b = await cache.render("check-in", { ...constant, ...links(2), firstName: "Bruno" });
    for (const url of Object.values(links(1).answers)) expect(b.html).not.toContain(url);
    for (const url of Object.values(links(2).answers)) expect(b.html).toContain(`href="${url}"`);
  });
});
