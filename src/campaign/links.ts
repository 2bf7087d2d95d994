import { signToken } from "../tokens.js";

/** Builds the personal, signed links every email carries. */
export interface LinkSettings {
  publicUrl: string;
  appSecret: string;
  guideLinkTtlDays: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;

export function guideUrl(s: LinkSettings, subscriberId: string, now = new Date()): string {
  const expiresAt = new Date(now.getTime() + s.guideLinkTtlDays * DAY_MS);
  return `${s.publicUrl}/guide/${signToken(s.appSecret, "guide", subscriberId, expiresAt)}`;
}

/** Unsubscribe links never expire: a years-old email must still let its reader leave. */
export function unsubscribeUrl(s: LinkSettings, subscriberId: string): string {
  return `${s.publicUrl}/unsubscribe/${signToken(s.appSecret, "unsubscribe", subscriberId, null)}`;
}

/** The double opt-in link; it works as long as the pending request is kept (PENDING_TTL_DAYS). */
export function confirmUrl(s: Pick<LinkSettings, "publicUrl" | "appSecret">, subscriberId: string, expiresAt: Date): string {
  return `${s.publicUrl}/confirm/${signToken(s.appSecret, "confirm", subscriberId, expiresAt)}`;
}
