import { describe, expect, it } from "vitest";
import { anonymisePayload } from "../../src/feedback/anonymise.js";
import { isEmailEventType, isHardBounce, suppressionReason, webhookEventSchema } from "../../src/feedback/events.js";
import { resendEvent } from "../support/svix.js";

describe("provider events", () => {
  it("counts only Resend's Permanent bounces as hard", () => {
    expect(isHardBounce("Permanent")).toBe(true);
    expect(isHardBounce(" permanent ")).toBe(true);
    for (const soft of ["Transient", "Undetermined", "", null, undefined]) expect(isHardBounce(soft)).toBe(false);
  });

  it("reads a suppression's reason from its type", () => {
    expect(suppressionReason("complaint")).toBe("complained");
    expect(suppressionReason("bounce")).toBe("bounced");
    expect(suppressionReason(undefined)).toBe("bounced");
  });

  it("accepts every email.* type the resend SDK declares, nothing else", () => {
    for (const type of ["email.sent", "email.delivered", "email.delivery_delayed", "email.opened", "email.clicked", "email.bounced", "email.complained", "email.failed"]) {
      expect(isEmailEventType(type)).toBe(true);
    }
    for (const type of ["contact.created", "domain.updated", "email.exploded", ""]) expect(isEmailEventType(type)).toBe(false);
  });

  it("validates what it reads and keeps the rest of the payload", () => {
    const event = resendEvent("email.bounced", "em_1", { bounce: { type: "Permanent", subType: "General", message: "550" } });
    const parsed = webhookEventSchema.parse(event);
    expect(parsed.data.bounce?.type).toBe("Permanent");
    expect(parsed.data.to).toEqual(["reader@example.com"]);
    expect(webhookEventSchema.safeParse({ type: "email.bounced", data: { bounce: "x" } }).success).toBe(false);
    expect(webhookEventSchema.safeParse({ type: "email.bounced" }).success).toBe(false);
    expect(webhookEventSchema.safeParse([]).success).toBe(false);
  });

  it("anonymises an event down to what the counts need", () => {
    const event = resendEvent("email.clicked", "em_2", {
      to: ["ana@example.com"],
      subject: "Ana, your guide is here",
      click: { ipAddress: "192.0.2.1", link: "https://clinic.example/guide", timestamp: "t", userAgent: "UA/1" },
      bounce: { type: "Permanent", subType: "General", message: "550 <ana@example.com> unknown" },
    });
    const out = anonymisePayload(event);
    expect(out).toEqual({
      type: "email.clicked",
      created_at: event.created_at,
      anonymised: true,
      data: {
        email_id: "em_2",
        created_at: event.data.created_at,
        tags: { step: "welcome" },
        click: { link: "https://clinic.example/guide" },
        bounce: { type: "Permanent", subType: "General" },
      },
    });
    const text = JSON.stringify(out);
    for (const personal of ["ana@example.com", "192.0.2.1", "UA/1", "Ana,", "reader@example.com"]) expect(text).not.toContain(personal);
    expect(anonymisePayload("garbage")).toEqual({ type: "unknown", data: {}, anonymised: true });
  });
});
