import { describe, expect, it } from "vitest";
import { signToken, verifyToken, type TokenKind } from "../../src/tokens.js";

const SECRET = "5f0c1e9a7b3d48e2a6c4f8b0d2e4a6c85f0c1e9a7b3d48e2a6c4f8b0d2e4a6c8";
const OTHER_SECRET = "a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90";
const SUBJECT = "3f2b8c1e-6d4a-4f7b-9c2e-1a5d7e9b0c34";
const KINDS: TokenKind[] = ["guide", "unsubscribe", "confirm"];
const NOW = new Date("2026-05-01T12:00:00Z");
const IN_30_DAYS = new Date("2026-05-31T12:00:00Z");

/** Replaces the character at `index` with a different base64url character that changes its 6 bits. */
function flipChar(value: string, index: number): string {
  const replacement = value[index] === "A" ? "B" : "A";
  return value.slice(0, index) + replacement + value.slice(index + 1);
}

describe("signToken / verifyToken", () => {
  it.each(KINDS)("round-trips a %s token with its subject and expiry", (kind) => {
    const token = signToken(SECRET, kind, SUBJECT, IN_30_DAYS);
    expect(verifyToken(SECRET, token, kind, NOW)).toEqual({ ok: true, subject: SUBJECT, expiresAt: IN_30_DAYS });
  });

  it("keeps different subjects apart", () => {
    const other = "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d";
    expect(verifyToken(SECRET, signToken(SECRET, "guide", other, null), "guide", NOW)).toMatchObject({
      ok: true,
      subject: other,
    });
  });

  it("makes URL-safe tokens", () => {
    for (const kind of KINDS) {
      for (const expiresAt of [null, IN_30_DAYS]) {
        expect(signToken(SECRET, kind, SUBJECT, expiresAt)).toMatch(/^[A-Za-z0-9_.-]+$/);
      }
    }
  });

  it("rejects a tampered payload", () => {
    const [payload = "", macPart = ""] = signToken(SECRET, "guide", SUBJECT, IN_30_DAYS).split(".");
    expect(verifyToken(SECRET, `${flipChar(payload, 0)}.${macPart}`, "guide", NOW)).toEqual({
      ok: false,
      reason: "bad-signature",
    });
  });

  it("rejects a payload re-encoded with another subject, kind or expiry under the original MAC", () => {
    const [, macPart = ""] = signToken(SECRET, "unsubscribe", SUBJECT, IN_30_DAYS).split(".");
    const expiry = Math.floor(IN_30_DAYS.getTime() / 1000).toString(36);
    for (const forged of [`u.someone-else.${expiry}`, `g.${SUBJECT}.${expiry}`, `u.${SUBJECT}.0`]) {
      const token = `${Buffer.from(forged).toString("base64url")}.${macPart}`;
      expect(verifyToken(SECRET, token, "unsubscribe", NOW)).toEqual({ ok: false, reason: "bad-signature" });
      expect(verifyToken(SECRET, token, "guide", NOW)).toEqual({ ok: false, reason: "bad-signature" });
    }
  });

  it("rejects a tampered MAC", () => {
    const [payload = "", macPart = ""] = signToken(SECRET, "guide", SUBJECT, IN_30_DAYS).split(".");
    expect(verifyToken(SECRET, `${payload}.${flipChar(macPart, 0)}`, "guide", NOW)).toEqual({
      ok: false,
      reason: "bad-signature",
    });
    expect(verifyToken(SECRET, `${payload}.${macPart.slice(0, -2)}`, "guide", NOW)).toEqual({
      ok: false,
      reason: "bad-signature",
    });
  });

  it("rejects a token signed with another secret", () => {
    const token = signToken(OTHER_SECRET, "guide", SUBJECT, IN_30_DAYS);
    expect(verifyToken(SECRET, token, "guide", NOW)).toEqual({ ok: false, reason: "bad-signature" });
  });

  it.each(KINDS.flatMap((signed) => KINDS.filter((k) => k !== signed).map((checked) => [signed, checked])))(
    "reports a %s token checked as %s as wrong-kind",
    (signed, checked) => {
      const token = signToken(SECRET, signed as TokenKind, SUBJECT, null);
      expect(verifyToken(SECRET, token, checked as TokenKind, NOW)).toEqual({ ok: false, reason: "wrong-kind" });
    },
  );

  it("reports an expired token with its subject", () => {
    const token = signToken(SECRET, "guide", SUBJECT, new Date("2026-04-30T12:00:00Z"));
    expect(verifyToken(SECRET, token, "guide", NOW)).toEqual({ ok: false, reason: "expired", subject: SUBJECT });
  });

  it("treats a token expiring exactly now as expired, and one a second later as valid", () => {
    expect(verifyToken(SECRET, signToken(SECRET, "guide", SUBJECT, NOW), "guide", NOW)).toMatchObject({
      ok: false,
      reason: "expired",
    });
    const oneSecondLater = new Date(NOW.getTime() + 1000);
    expect(verifyToken(SECRET, signToken(SECRET, "guide", SUBJECT, oneSecondLater), "guide", NOW)).toEqual({
      ok: true,
      subject: SUBJECT,
      expiresAt: oneSecondLater,
    });
  });

  it("never expires a token without an expiry", () => {
    const token = signToken(SECRET, "unsubscribe", SUBJECT, null);
    const farFuture = new Date("2999-12-31T23:59:59Z");
    expect(verifyToken(SECRET, token, "unsubscribe", farFuture)).toEqual({ ok: true, subject: SUBJECT, expiresAt: null });
  });

  it("refuses to sign a subject the dotted payload cannot carry", () => {
    expect(() => signToken(SECRET, "guide", "", null)).toThrow(/subject/);
    expect(() => signToken(SECRET, "guide", "a.b", null)).toThrow(/subject/);
  });

  const valid = signToken(SECRET, "guide", SUBJECT, IN_30_DAYS);
  it.each([
    "",
    "abc",
    ".",
    "..",
    "a.b",
    "a.b.c",
    "x".repeat(600),
    `${"x".repeat(300)}.${"y".repeat(300)}`,
    `${valid}${"A".repeat(600)}`,
    "%%%.$$$",
    "é.ü",
    "\u0000.\u0000",
  ])("rejects the malformed string %j without throwing", (token) => {
    let result: ReturnType<typeof verifyToken> | undefined;
    expect(() => {
      result = verifyToken(SECRET, token, "guide", NOW);
    }).not.toThrow();
    expect(result?.ok).toBe(false);
    expect(["malformed", "bad-signature"]).toContain(result?.ok === false ? result.reason : undefined);
  });

  it("accepts exactly one spelling of a token (issue 17): no padding, no stray characters, no unused bits", () => {
    const token = signToken(SECRET, "unsubscribe", SUBJECT, null);
    const [payload = "", macPart = ""] = token.split(".");
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    // 16 MAC bytes in 22 characters: the last character's low 4 bits decode to nothing.
    const flipped = `${payload}.${macPart.slice(0, -1)}${alphabet[alphabet.indexOf(macPart.at(-1)!) ^ 1]}`;
    for (const spelling of [`${token}==`, `${token}=`, `${token}\u0000`, `${payload}=.${macPart}`, flipped, `${payload}.${macPart} `]) {
      expect(verifyToken(SECRET, spelling, "unsubscribe", NOW), JSON.stringify(spelling)).toMatchObject({ ok: false, reason: "malformed" });
    }
    expect(verifyToken(SECRET, token, "unsubscribe", NOW).ok).toBe(true);
  });

  it("refuses a well-signed token whose subject is not a subscriber id", () => {
    for (const subject of ["not-a-uuid", "1", SUBJECT.toUpperCase()]) {
      expect(verifyToken(SECRET, signToken(SECRET, "unsubscribe", subject, null), "unsubscribe", NOW)).toMatchObject({
        ok: false,
        reason: "malformed",
      });
    }
  });
});
