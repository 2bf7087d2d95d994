import { z } from "zod";

/**
 * Every `email.*` event the Resend SDK declares (resend 6.x `WebhookEvent`). Others (contacts,
 * domains, inboxes…) arrive only if subscribed in the dashboard; a 400 shows that mistake there.
 */
export const EMAIL_EVENT_TYPES = [
  "email.sent",
  "email.scheduled",
  "email.delivered",
  "email.delivery_delayed",
  "email.complained",
  "email.bounced",
  "email.opened",
  "email.clicked",
  "email.received",
  "email.failed",
  "email.suppressed",
] as const;
export type EmailEventType = (typeof EMAIL_EVENT_TYPES)[number];

export function isEmailEventType(type: string): type is EmailEventType {
  return (EMAIL_EVENT_TYPES as readonly string[]).includes(type);
}

/**
 * The events that may act on a subscriber (stop their sends): a hard bounce, a complaint, a
 * suppression. Every other event is only matched to its email and counted.
 */
export const ACTING_EVENT_TYPES = ["email.bounced", "email.complained", "email.suppressed"] as const satisfies readonly EmailEventType[];

const text = (max: number) => z.string().max(max);

/** Only what we read is checked; everything else in the payload is kept as it came. */
export const webhookEventSchema = z.object({
  type: text(100),
  created_at: text(100).optional(),
  data: z
    .object({
      email_id: text(200).optional(),
      bounce: z.object({ type: text(100).optional(), subType: text(100).optional() }).loose().optional(),
      click: z.object({ link: text(8192).optional() }).loose().optional(),
      suppressed: z.object({ type: text(100).optional() }).loose().optional(),
    })
    .loose(),
});

/**
 * Resend's bounce types come from Amazon SES: "Permanent" (no such address, or refused for good) is
 * hard; "Transient" (mailbox full, greylisting, too large) and "Undetermined" say nothing lasting.
 */
export function isHardBounce(bounceType: string | null | undefined): boolean {
  return (bounceType ?? "").trim().toLowerCase() === "permanent";
}

/**
 * email.suppressed: Resend refused to send because the address is on its suppression list,
 * after an earlier hard bounce or complaint. We stop the same way; its type says which.
 */
export function suppressionReason(type: string | null | undefined): "bounced" | "complained" {
  return /complain/i.test(type ?? "") ? "complained" : "bounced";
}

/**
 * The event's time, when it is a date with a four-digit year: JavaScript accepts years up to
 * +275760, which postgres.js sends as "+275760-…" and PostgreSQL refuses (issue 30: a 500).
 */
export function parseOccurredAt(value: string | undefined): Date | undefined {
  if (!value) return undefined;
  const at = new Date(value);
  const year = at.getUTCFullYear();
  return Number.isNaN(at.getTime()) || year < 1970 || year > 9999 ? undefined : at;
}
