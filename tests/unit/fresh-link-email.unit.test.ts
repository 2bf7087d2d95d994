import { describe, expect, it } from "vitest";
import type { ComposeSettings } from "../../src/campaign/compose.js";
import { RenderCache } from "../../src/mail/render-cache.js";
import { composeFreshLinkEmail } from "../../src/guide/fresh-link.js";
import { verifyToken } from "../../src/tokens.js";

const settings: ComposeSettings = {
  publicUrl: "https://guide.example",
  appSecret: "unit-secret-".padEnd(40, "k"),
  guideLinkTtlDays: 30,
  from: "Clinic <guide@clinic.example>",
  replyTo: "care@clinic.example",
  postalAddress: "42 Harbour Road, Port Town",
  clinicName: "Harbour Spine Clinic",
  toolsUrl: undefined,
  supplementUrl: undefined,
  care: { emergencyNumber: "911" },
  renderer: new RenderCache(),
};
const recipient = {
  id: 7,
  subscriberId: "5b1c0c4e-0000-4000-8000-000000000007",
  email: "ana@example.com",
  firstName: "Ana",
  dueAt: new Date("2026-11-20T10:00:00Z"),
};

describe("the fresh-link email", () => {
  it("carries a new 30-day guide link, the unsubscribe link, address and disclaimer, in html and text", async () => {
    const email = await composeFreshLinkEmail(settings, recipient);
    expect(email.subject).toBe("Your fresh link to the Flare-Up Reset Guide");
    expect(email.text).toContain("Hi Ana,");
    expect(email.to).toBe("ana@example.com");
    expect(email.replyTo).toBe("care@clinic.example");
    const link = /https:\/\/guide\.example\/guide\/([A-Za-z0-9_.-]+)/.exec(email.html);
    expect(link).not.toBeNull();
    const check = verifyToken(settings.appSecret, link![1]!, "guide", new Date("2026-12-19T09:59:00Z"));
    expect(check).toMatchObject({ ok: true, subject: recipient.subscriberId });
    // 30 days from the request, not from the send: a retry renders the same link.
    expect(verifyToken(settings.appSecret, link![1]!, "guide", new Date("2026-12-20T10:00:01Z"))).toMatchObject({ ok: false, reason: "expired" });
    const unsubscribe = email.headers["List-Unsubscribe"]!.slice(1, -1);
    expect(email.headers["List-Unsubscribe-Post"]).toBe("List-Unsubscribe=One-Click");
    for (const part of [email.html, email.text]) {
      expect(part).toContain(link![0]);
      expect(part).toContain(unsubscribe);
      expect(part).toContain(settings.postalAddress);
      expect(part).toMatch(/not medical advice/);
      expect(part).toContain("works for 30 days");
    }
    expect(email.tags).toEqual([{ name: "step", value: "fresh-link" }]);
    expect(email.idempotencyKey).toBe(`fur-fresh-link-7-${recipient.subscriberId}`);
  });

  it("is a pure function of the row: a retry sends the very same payload under the same key", async () => {
    const [a, b] = await Promise.all([composeFreshLinkEmail(settings, recipient), composeFreshLinkEmail(settings, recipient)]);
    expect(b).toEqual(a);
    const other = await composeFreshLinkEmail(settings, { ...recipient, id: 8 });
    expect(other.idempotencyKey).not.toBe(a.idempotencyKey);
  });
});
