import { describe, expect, it } from "vitest";
import { composeEmail, type ComposeSettings } from "../../src/campaign/compose.js";
import { STEP_KEYS } from "../../src/campaign/steps.js";
import { RenderCache } from "../../src/mail/render-cache.js";
import { LINK_KEYS } from "../../src/signals/link-keys.js";
import { verifyToken } from "../../src/tokens.js";

const SECRET = "unit-secret-".padEnd(40, "q");
const OUTSIDE = {
  bookingUrl: "https://book.clinic.example/assessment",
  toolsUrl: "https://tools.example/list",
  supplementUrl: "https://www.thorne.com/u/PR2106491",
  reading: {
    starterGuideUrl: "https://clinic.example/starter",
    loadCapacityUrl: "https://clinic.example/load",
    positionsUrl: "https://clinic.example/positions",
  },
};
const settings: ComposeSettings = {
  publicUrl: "https://guide.clinic.example",
  appSecret: SECRET,
  guideLinkTtlDays: 30,
  from: "Clinic <hello@clinic.example>",
  replyTo: undefined,
  postalAddress: "1 Main St",
  clinicName: "PCS Clinic",
  toolsAffiliate: true,
  supplementAffiliate: true,
  ...OUTSIDE,
  care: { emergencyNumber: "911" },
  renderer: new RenderCache(),
};
const outsideUrls = [OUTSIDE.bookingUrl, OUTSIDE.toolsUrl, OUTSIDE.supplementUrl, ...Object.values(OUTSIDE.reading)];

/** DESIGN.md "Signals": every link of every email points at the service, the plain text too. */
describe("first-party links in every step", () => {
  it.each(STEP_KEYS)("%s: every href is ours; outside links go through /l/ and name the email and the link", async (step) => {
    const deliveryId = 4242;
    const email = await composeEmail(settings, step, { subscriberId: "0b9e7c1e-5a55-4c4e-9d5b-3f0a2e0c7b11", email: "ana@example.com", firstName: "Ana" }, new Date("2026-12-01T10:00:00Z"), deliveryId);
    const hrefs = [...email.html.matchAll(/href="([^"]+)"/g)].map((m) => m[1]!.replaceAll("&amp;", "&"));
    expect(hrefs.length).toBeGreaterThan(1);
    for (const href of hrefs) expect(href.startsWith(`${settings.publicUrl}/`), href).toBe(true);
    for (const url of outsideUrls) {
      expect(email.html).not.toContain(url);
      expect(email.text).not.toContain(url);
    }
    for (const href of new Set(hrefs)) expect(email.text, href).toContain(href);
    for (const href of hrefs.filter((h) => h.includes("/l/"))) {
      const check = verifyToken(SECRET, href.split("/l/")[1]!, "link");
      expect(check).toMatchObject({ ok: true, subject: String(deliveryId) });
      expect(LINK_KEYS).toContain((check as { detail: string }).detail);
    }
    const answers = hrefs.filter((h) => h.includes("/check-in/"));
    if (step === "check-in") {
      // The three answers, each naming this email and its answer (src/campaign/links.ts answerUrl).
      expect(answers.map((h) => verifyToken(SECRET, h.split("/check-in/")[1]!, "answer"))).toEqual(
        ["better", "same", "worse"].map((detail) => expect.objectContaining({ ok: true, subject: String(deliveryId), detail })),
      );
    } else {
      expect(answers).toEqual([]);
    }
    const guide = hrefs.find((h) => h.includes("/guide/"));
    if (guide) expect(verifyToken(SECRET, guide.split("/guide/")[1]!, "guide", new Date("2026-12-02T00:00:00Z"))).toMatchObject({ ok: true, detail: String(deliveryId) });
    expect(email.html).not.toContain("ana@example.com");
  });
});
