import { describe, expect, it } from "vitest";
import type { ComposeSettings } from "../../src/campaign/compose.js";
import { RenderCache } from "../../src/mail/render-cache.js";
import { composeConfirmation } from "../../src/campaign/confirmation-messages.js";
import { describeDays } from "../../emails/components/describe-days.js";
import { verifyToken } from "../../src/tokens.js";

const secret = "unit-secret-".padEnd(40, "z");
const settings: ComposeSettings = {
  publicUrl: "https://guide.clinic.example",
  appSecret: secret,
  guideLinkTtlDays: 30,
  from: "Clinic <guide@clinic.example>",
  replyTo: undefined,
  postalAddress: "42 Harbour Road, Port Town 12345",
  clinicName: "Example Spine Clinic",
  toolsUrl: undefined,
  supplementUrl: "https://www.thorne.com/u/PR2106491",
  care: { emergencyNumber: "911" },
  renderer: new RenderCache(),
};
// The confirmation's row: its due time is when it was requested.
const recipient = {
  id: 7,
  subscriberId: "0b9a3f5e-2a7c-4c1e-9d55-3f1f4f0e8a11",
  email: "ana@example.com",
  firstName: "Ana",
  dueAt: new Date("2026-11-25T10:00:00Z"),
};

describe("the double opt-in confirmation email", () => {
  it("carries the confirm link, the footer every email carries, and no guide link", async () => {
    const email = await composeConfirmation(settings, 7, recipient);
    const confirm = /https:\/\/guide\.clinic\.example\/confirm\/([A-Za-z0-9_.-]+)/.exec(email.html)!;
    expect(confirm).not.toBeNull();
    expect(email.text).toContain(confirm[0]);
    const token = verifyToken(secret, confirm[1]!, "confirm", new Date("2026-11-26T00:00:00Z"));
    expect(token).toEqual({ ok: true, subject: recipient.subscriberId, expiresAt: new Date("2026-12-02T10:00:00Z") });

    const unsubscribe = /^<(.+)>$/.exec(email.headers["List-Unsubscribe"]!)![1]!;
    expect(unsubscribe).toMatch(/^https:\/\/guide\.clinic\.example\/unsubscribe\//);
    expect(email.headers["List-Unsubscribe-Post"]).toBe("List-Unsubscribe=One-Click");
    for (const part of [email.html, email.text]) {
      expect(part).toContain(unsubscribe);
      expect(part).toContain(settings.postalAddress);
      expect(part).toMatch(/not medical advice/i);
      expect(part).not.toContain("/guide/");
      expect(part).not.toMatch(/affiliate/i); // no link in it earns anything
    }
    expect(email.text).toMatch(/works for 7 days/);
    // The name greets inside; never in the subject (issue 15).
    expect(email.subject).toBe("Please confirm your email for the Flare-Up Reset Guide");
    expect(email.text).toContain("Hi Ana,");
    // The reader learns before confirming that product suggestions are part of the series.
    expect(email.text).toMatch(/suggests supportive tools and supplements/);
  });

  it("is tagged step=confirm with a key per confirmation row, and renders identically on a retry", async () => {
    const first = await composeConfirmation(settings, 7, recipient);
    const retry = await composeConfirmation(settings, 7, recipient);
    expect(retry).toEqual(first);
    expect(first.tags).toEqual([{ name: "step", value: "confirm" }]);
    expect(first.step).toBe("confirm");
    expect(first.idempotencyKey).toBe(`fur-confirm-7-${recipient.subscriberId}`);
    const resend = await composeConfirmation(settings, 7, { ...recipient, id: 8 });
    expect(resend.idempotencyKey).not.toBe(first.idempotencyKey);
  });

  it("says how long the link works in words", () => {
    expect(describeDays(7)).toBe("7 days");
    expect(describeDays(1)).toBe("1 day");
    expect(describeDays(1.5)).toBe("1 day");
    expect(describeDays(0.5)).toBe("12 hours");
    expect(describeDays(0.01)).toBe("1 hour");
  });
});
