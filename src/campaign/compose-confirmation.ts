import type { OutgoingEmail } from "../mail/transport.js";
import { renderEmail } from "../mail/render.js";
import { envelope } from "../outbound/envelope.js";
import type { ComposeSettings } from "./compose.js";
import { confirmUrl, unsubscribeUrl } from "./links.js";

const DAY_MS = 24 * 60 * 60 * 1000;

export interface ConfirmationRecipient {
  /** The message's row: its idempotency key names it (a re-send is a new row, a new email). */
  confirmationId: number;
  subscriberId: string;
  email: string;
  firstName: string | null;
  /** When the confirmation was requested: the link's expiry counts from it. */
  requestedAt: Date;
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
  const unsubscribe = unsubscribeUrl(s, to.subscriberId, to.confirmationId);
  const rendered = await renderEmail("confirm", {
    firstName: to.firstName,
    confirmUrl: confirmUrl(s, to.subscriberId, expiresAt),
    validDays: pendingTtlDays,
    unsubscribeUrl: unsubscribe,
    postalAddress: s.postalAddress,
    clinicName: s.clinicName,
    care: s.care,
  });
  // Tagged step=confirm (src/outbound/keys.ts) so provider events can be told apart; never a step in the stats.
  return envelope(s, { kind: "confirmation", id: to.confirmationId, subscriberId: to.subscriberId }, to.email, rendered, unsubscribe);
}
