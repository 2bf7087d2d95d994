import { describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config.js";

describe("consent settings", () => {
  it("PENDING_TTL_DAYS defaults to 7 and must be a positive number of days", () => {
    expect(parseConfig({}).pendingTtlDays).toBe(7);
    expect(parseConfig({ PENDING_TTL_DAYS: "2.5" }).pendingTtlDays).toBe(2.5);
    for (const bad of ["0", "-1", "soon"]) {
      expect(() => parseConfig({ PENDING_TTL_DAYS: bad })).toThrow(/^Invalid configuration: PENDING_TTL_DAYS must be a number of days above 0/);
    }
  });

  it("RESEND_WEBHOOK_SECRET must be whsec_ followed by base64", () => {
    const secret = `whsec_${Buffer.from("k".repeat(24)).toString("base64")}`;
    expect(parseConfig({ RESEND_WEBHOOK_SECRET: secret }).resend.webhookSecret).toBe(secret);
    for (const bad of ["abc", "whsec_", "whsec_not base64!"]) {
      expect(() => parseConfig({ RESEND_WEBHOOK_SECRET: bad })).toThrow(/^Invalid configuration: RESEND_WEBHOOK_SECRET must be "whsec_"/);
    }
  });
});
