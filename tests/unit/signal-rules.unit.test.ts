import { describe, expect, it } from "vitest";
import { requestRule } from "../../src/signals/rules.js";
import { signToken, verifyToken } from "../../src/tokens.js";

const SECRET = "unit-secret-".padEnd(40, "r");
const BROWSERS = [
  "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
  "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36",
];

describe("the signal rules that need only the request (src/signals/rules.ts)", () => {
  it("a browser's GET is a person's as far as the request tells", () => {
    for (const userAgent of BROWSERS) expect(requestRule({ method: "GET", userAgent })).toBeUndefined();
  });
  it("a HEAD, a missing user agent and a user agent isbot knows are not", () => {
    expect(requestRule({ method: "HEAD", userAgent: BROWSERS[0] })).toBe("head");
    expect(requestRule({ method: "GET", userAgent: undefined })).toBe("no-agent");
    expect(requestRule({ method: "GET", userAgent: "   " })).toBe("no-agent");
    for (const bot of [
      "Mozilla/5.0 (compatible; BingPreview/1.0b)",
      "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.0.0 Safari/537.36",
      "python-requests/2.32.3",
      "curl/8.5.0",
    ]) {
      expect(requestRule({ method: "GET", userAgent: bot }), bot).toBe("bot-agent");
    }
  });
});

describe("link tokens name the email and the link (src/tokens.ts)", () => {
  it("a link token carries a delivery id and a key, and needs both", () => {
    const token = signToken(SECRET, "link", "123", null, "booking");
    expect(verifyToken(SECRET, token, "link")).toEqual({ ok: true, subject: "123", expiresAt: null, detail: "booking" });
    expect(verifyToken(SECRET, signToken(SECRET, "link", "123", null), "link")).toMatchObject({ ok: false, reason: "malformed" });
    expect(verifyToken(SECRET, signToken(SECRET, "link", "0b9e7c1e-5a55-4c4e-9d5b-3f0a2e0c7b11", null, "booking"), "link")).toMatchObject({ ok: false });
    expect(verifyToken(SECRET, signToken(SECRET, "link", "123", null, "Booking"), "link")).toMatchObject({ ok: false, reason: "malformed" });
    expect(verifyToken(SECRET, token, "guide")).toMatchObject({ ok: false, reason: "wrong-kind" });
  });
  it("a guide or unsubscribe token may name its email; one without still works", () => {
    const id = "0b9e7c1e-5a55-4c4e-9d5b-3f0a2e0c7b11";
    expect(verifyToken(SECRET, signToken(SECRET, "guide", id, null, "77"), "guide")).toMatchObject({ ok: true, subject: id, detail: "77" });
    expect(verifyToken(SECRET, signToken(SECRET, "unsubscribe", id, null), "unsubscribe")).toEqual({ ok: true, subject: id, expiresAt: null });
    expect(verifyToken(SECRET, signToken(SECRET, "guide", id, null, "x7"), "guide")).toMatchObject({ ok: false, reason: "malformed" });
    expect(verifyToken(SECRET, signToken(SECRET, "confirm", id, null, "77"), "confirm")).toMatchObject({ ok: false, reason: "malformed" });
  });
});
