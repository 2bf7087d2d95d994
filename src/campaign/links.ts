import { signToken } from "../tokens.js";
import type { LinkKey } from "../signals/link-keys.js";

/**
 * The personal, signed links every email carries. Each points at the service (DESIGN.md "Signals")
 * and names its email (`deliveryId`): the signal rules see a scanner fetch one email's links at once.
 */
export interface LinkSettings {
  publicUrl: string;
  appSecret: string;
  guideLinkTtlDays: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;

export function guideUrl(s: LinkSettings, subscriberId: string, now = new Date(), deliveryId?: number): string {
  const expiresAt = new Date(now.getTime() + s.guideLinkTtlDays * DAY_MS);
  return `${s.publicUrl}/guide/${signToken(s.appSecret, "guide", subscriberId, expiresAt, deliveryId?.toString())}`;
}

/** Unsubscribe links never expire: a years-old email must still let its reader leave. */
export function unsubscribeUrl(s: Pick<LinkSettings, "publicUrl" | "appSecret">, subscriberId: string, deliveryId?: number): string {
  return `${s.publicUrl}/unsubscribe/${signToken(s.appSecret, "unsubscribe", subscriberId, null, deliveryId?.toString())}`;
}

/** The double opt-in link; it works as long as the pending request is kept (PENDING_TTL_DAYS). */
export function confirmUrl(s: Pick<LinkSettings, "publicUrl" | "appSecret">, subscriberId: string, expiresAt: Date): string {
  return `${s.publicUrl}/confirm/${signToken(s.appSecret, "confirm", subscriberId, expiresAt)}`;
}

/**
 * An outside link (booking, related reading, tools, supplement) as GET /l/:token: records the click,
 * redirects to the key's configured target at click time. Never expires: old emails still lead on.
 */
export function trackedUrl(s: Pick<LinkSettings, "publicUrl" | "appSecret">, deliveryId: number, key: LinkKey): string {
  return `${s.publicUrl}/l/${signToken(s.appSecret, "link", String(deliveryId), null, key)}`;
}

/** The check-in's answers, each its own first-party page (src/routes/check-in.ts). */
export const CHECK_IN_ANSWERS = ["better", "same", "worse"] as const;
export type CheckInAnswer = (typeof CHECK_IN_ANSWERS)[number];

/** One answer of the check-in email: a one-visit page whose POST records it. Never expires. */
export function answerUrl(s: Pick<LinkSettings, "publicUrl" | "appSecret">, deliveryId: number, answer: CheckInAnswer): string {
  return `${s.publicUrl}/check-in/${signToken(s.appSecret, "answer", String(deliveryId), null, answer)}`;
}
