import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * Signed link tokens (DESIGN.md invariant 7): `base64url(kind.subject.expiry[.detail]).base64url(mac)`.
 * The MAC is HMAC-SHA256 with APP_SECRET, truncated to 128 bits (plenty against forgery, and links
 * stay short). The kind is signed too, so an unsubscribe token never replays as a guide link.
 * Subject and detail per kind (checked on the way in and out):
 *  - guide, unsubscribe: the subscriber; detail, if present, the delivery id of the email carrying
 *    the link (the signal rules group one email's links, src/signals/); older ones without it work.
 *  - confirm: the subscriber; no detail.
 *  - link (GET /l/:token, an outside link): the delivery id; detail the link's key. Never the
 *    address: the target is looked up by key, the person through the delivery.
 *  - answer (GET/POST /check-in/:token): the check-in's delivery id; detail better, same or worse.
 */
export type TokenKind = "guide" | "unsubscribe" | "confirm" | "link" | "answer";

const KIND_CODES: Record<TokenKind, string> = { guide: "g", unsubscribe: "u", confirm: "c", link: "l", answer: "a" };
const MAC_BYTES = 16;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const DELIVERY_ID = /^[1-9][0-9]{0,17}$/;
const LINK_KEY = /^[a-z][a-z0-9-]{0,31}$/;
const SHAPES: Record<TokenKind, { subject: RegExp; detail?: RegExp; detailRequired?: boolean }> = {
  guide: { subject: UUID, detail: DELIVERY_ID },
  unsubscribe: { subject: UUID, detail: DELIVERY_ID },
  confirm: { subject: UUID },
  link: { subject: DELIVERY_ID, detail: LINK_KEY, detailRequired: true },
  answer: { subject: DELIVERY_ID, detail: /^(better|same|worse)$/, detailRequired: true },
};
/** Unpadded base64url (RFC 4648 §5), the only alphabet a token is written in. */
const BASE64URL = /^[A-Za-z0-9_-]+$/;

export type TokenCheck =
  | { ok: true; subject: string; expiresAt: Date | null; detail?: string }
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
  detail?: string,
): string {
  // Dot-separated payload; else a caller's bug (shapes are checked where it matters: verifyToken).
  if (!/^[A-Za-z0-9_-]+$/.test(subject)) throw new Error("token subject must be [A-Za-z0-9_-]+");
  if (detail !== undefined && !/^[A-Za-z0-9_-]+$/.test(detail)) throw new Error("token detail must be [A-Za-z0-9_-]+");
  const expiry = expiresAt ? Math.floor(expiresAt.getTime() / 1000).toString(36) : "0";
  const payload = `${KIND_CODES[kind]}.${subject}.${expiry}${detail === undefined ? "" : `.${detail}`}`;
  return `${Buffer.from(payload).toString("base64url")}.${mac(secret, payload).toString("base64url")}`;
}

/**
 * A token has exactly one accepted spelling (issue 17): Node's base64 decoder skips padding, stray
 * characters (`%00` in a path arrives as a NUL) and the last character's unused low bits, so many
 * strings decode alike. Each part must be unpadded base64url and re-encode to itself.
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
  const fields = payload.split(".");
  const [code, subject, expiry, detail] = fields;
  if (!code || !subject || expiry === undefined || fields.length > 4) return { ok: false, reason: "malformed" };
  if (code !== KIND_CODES[kind]) return { ok: false, reason: "wrong-kind" };
  // The signature only says we wrote it; the shape is checked too, so a subject signed by
  // mistake (or under a leaked key) that is not a subscriber id never reaches a uuid column.
  const shape = SHAPES[kind];
  if (!shape.subject.test(subject)) return { ok: false, reason: "malformed" };
  if (detail === undefined ? shape.detailRequired : !shape.detail?.test(detail)) return { ok: false, reason: "malformed" };
  const expiresAt = expiry === "0" ? null : new Date(parseInt(expiry, 36) * 1000);
  if (expiresAt && Number.isNaN(expiresAt.getTime())) return { ok: false, reason: "malformed" };
  if (expiresAt && expiresAt.getTime() <= now.getTime()) return { ok: false, reason: "expired", subject };
  return { ok: true, subject, expiresAt, ...(detail === undefined ? {} : { detail }) };
}
