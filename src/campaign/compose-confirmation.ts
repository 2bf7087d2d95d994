import type { OutgoingEmail } from "../mail/transport.js";
import { renderEmail } from "../mail/render.js";
import { outgoingEmail, type ComposeSettings } from "./compose.js";
import { confirmUrl, unsubscribeUrl } from "./links.js";

const DAY_MS = 24 * 60 * 60 * 1000;

export interface ConfirmationRecipient {
  confirmationId: number;
  subscriberId: string;
  email: string;
  firstName: string | null;
  /** When the confirmation was requested: the link's expiry counts from it. */
  requestedAt: Date;
}

/**
 * The key of one confirmation email row. A re-send is a new row with a new key (a new email, on
 * purpose); a retry of the same row is a replay. The subscriber UUID keeps it unique everywhere.
 */
export function confirmationIdempotencyKey(subscriberId: string, confirmationId: number): string {
  return `fur-confirm-${confirmationId}-${subscriberId}`;
}

/**
 * Renders the double opt-in email. A pure function of its inputs (the request time, not the
 * clock), so a retry sends the very payload the provider may already have under this key.
 * It carries List-Unsubscribe like every email: "don't ask me again" is one click too.
 */
export async function composeConfirmation(
  s: ComposeSettings,
  pendingTtlDays: number,
  to: ConfirmationRecipient,
): Promise<OutgoingEmail> {
  const expiresAt = new Date(to.requestedAt.getTime() + pendingTtlDays * DAY_MS);
  const unsubscribe = unsubscribeUrl(s, to.subscriberId);
  const rendered = await renderEmail("confirm", {
    firstName: to.firstName,
    confirmUrl: confirmUrl(s, to.subscriberId, expiresAt),
    validDays: pendingTtlDays,
    unsubscribeUrl: unsubscribe,
    postalAddress: s.postalAddress,
    clinicName: s.clinicName,
  });
  // Tagged step=confirm so provider events can be told apart; never a sequence step in the stats.
  return outgoingEmail(s, to.email, rendered, unsubscribe, "confirm", confirmationIdempotencyKey(to.subscriberId, to.confirmationId));
}
