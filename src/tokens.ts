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
/** Every subject we sign is a subscriber id. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** Unpadded base64url (RFC 4648 §5), the only alphabet a token is written in. */
const BASE64URL = /^[A-Za-z0-9_-]+$/;

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

/**
 * A token has exactly one accepted spelling (issue 17): Node's base64 decoder skips padding,
 * stray characters (`%00` in a path arrives as a NUL) and the unused low bits of the last
 * character, so several strings decode to the same bytes. Each part must be unpadded base64url
 * and must be what encoding its decoded bytes gives back.
 */
function decodeCanonical(part: string): Buffer | undefined {
  if (!BASE64URL.test(part)) return undefined;
  const bytes = Buffer.from(part, "base64url");
  return bytes.toString("base64url") === part ? bytes : undefined;
}

export function verifyToken(secret: string, token: string, kind: TokenKind, now = new Date()): TokenCheck {
  const parts = token.split(".");
  if (parts.length !== 2 || token.length > 512) return { ok: false, reason: "malformed" };
  const [encodedPayload = "", encodedMac = ""] = parts;
  const payloadBytes = decodeCanonical(encodedPayload);
  const given = decodeCanonical(encodedMac);
  if (!payloadBytes || !given) return { ok: false, reason: "malformed" };
  const payload = payloadBytes.toString("utf8");
  const expected = mac(secret, payload);
  // Length first: timingSafeEqual throws on unequal lengths. The length leaks nothing secret.
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return { ok: false, reason: "bad-signature" };
  }
  const [code, subject, expiry] = payload.split(".");
  if (!code || !subject || expiry === undefined) return { ok: false, reason: "malformed" };
  if (code !== KIND_CODES[kind]) return { ok: false, reason: "wrong-kind" };
  // The signature only says we wrote it; the shape is checked too, so a subject signed by
  // mistake (or under a leaked key) that is not a subscriber id never reaches a uuid column.
  if (!UUID.test(subject)) return { ok: false, reason: "malformed" };
  const expiresAt = expiry === "0" ? null : new Date(parseInt(expiry, 36) * 1000);
  if (expiresAt && Number.isNaN(expiresAt.getTime())) return { ok: false, reason: "malformed" };
  if (expiresAt && expiresAt.getTime() <= now.getTime()) return { ok: false, reason: "expired", subject };
  return { ok: true, subject, expiresAt };
}
