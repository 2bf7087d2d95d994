import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * Signed link tokens (DESIGN.md invariant 7): `base64url(kind.subject.expiry).base64url(mac)`.
 * The MAC is HMAC-SHA256 over the payload with APP_SECRET, truncated to 128 bits (plenty
 * against forgery, and it keeps links short). The kind is inside the signed payload, so an
 * unsubscribe token can never be replayed as a guide link.
 */
export type TokenKind = "guide" | "unsubscribe" | "confirm";

const KIND_CODES: Record<TokenKind, string> = { guide: "g", unsubscribe: "u", confirm: "c" };
const MAC_BYTES = 16;

export type TokenCheck =
  | { ok: true; subject: string; expiresAt: Date | null }
  /** malformed/bad-signature/wrong-kind: a 400 page. expired: a 410 page (signature was good). */
  | { ok: false; reason: "malformed" | "bad-signature" | "wrong-kind" | "expired"; subject?: string };

function mac(secret: string, payload: string): Buffer {
  return createHmac("sha256", secret).update(payload).digest().subarray(0, MAC_BYTES);
}

export function signToken(
  secret: string,
  kind: TokenKind,
  subject: string,
  expiresAt: Date | null,
): string {
  // The payload is dot-separated; subjects are UUIDs, and anything else is a caller's bug.
  if (!/^[A-Za-z0-9_-]+$/.test(subject)) throw new Error("token subject must be [A-Za-z0-9_-]+");
  const expiry = expiresAt ? Math.floor(expiresAt.getTime() / 1000).toString(36) : "0";
  const payload = `${KIND_CODES[kind]}.${subject}.${expiry}`;
  return `${Buffer.from(payload).toString("base64url")}.${mac(secret, payload).toString("base64url")}`;
}

export function verifyToken(secret: string, token: string, kind: TokenKind, now = new Date()): TokenCheck {
  const parts = token.split(".");
  if (parts.length !== 2 || token.length > 512) return { ok: false, reason: "malformed" };
  const [encodedPayload = "", encodedMac = ""] = parts;
  const payload = Buffer.from(encodedPayload, "base64url").toString("utf8");
  const given = Buffer.from(encodedMac, "base64url");
  const expected = mac(secret, payload);
  // Length first: timingSafeEqual throws on unequal lengths. The length leaks nothing secret.
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return { ok: false, reason: "bad-signature" };
  }
  const [code, subject, expiry] = payload.split(".");
  if (!code || !subject || expiry === undefined) return { ok: false, reason: "malformed" };
  if (code !== KIND_CODES[kind]) return { ok: false, reason: "wrong-kind" };
  const expiresAt = expiry === "0" ? null : new Date(parseInt(expiry, 36) * 1000);
  if (expiresAt && Number.isNaN(expiresAt.getTime())) return { ok: false, reason: "malformed" };
  if (expiresAt && expiresAt.getTime() <= now.getTime()) return { ok: false, reason: "expired", subject };
  return { ok: true, subject, expiresAt };
}
