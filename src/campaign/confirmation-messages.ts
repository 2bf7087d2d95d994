import type { ClaimedMessage } from "../db/queries/deliveries.js";
import { renderEmail } from "../mail/render.js";
import type { OutgoingEmail } from "../mail/transport.js";
import { envelope } from "../outbound/envelope.js";
import type { EmailKindDefinition } from "../outbound/kind.js";
import type { ComposeSettings } from "./compose.js";
import { confirmUrl, unsubscribeUrl } from "./links.js";

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * The double opt-in email as a kind of message (src/outbound/kind.ts). Not a step: the per-step
 * stats never count it, and nothing follows it until the reader clicks.
 */
export function confirmationMessages(compose: ComposeSettings, pendingTtlDays: number): EmailKindDefinition<"confirmation"> {
  return {
    kind: "confirmation",
    channel: "email",
    batchable: false,
    compose: (m) => composeConfirmation(compose, pendingTtlDays, m),
  };
}

/**
 * Renders a double opt-in row's email (a re-send is a new row and key), purely from the row: its due
 * time is the request time, the link expiring PENDING_TTL_DAYS later, so a retry sends the payload
 * the provider may hold under this key. List-Unsubscribe too: "don't ask me again" is one click.
 */
export async function composeConfirmation(
  s: ComposeSettings,
  pendingTtlDays: number,
  m: Pick<ClaimedMessage & { kind: "confirmation" }, "id" | "subscriberId" | "email" | "firstName" | "dueAt">,
): Promise<OutgoingEmail> {
  const expiresAt = new Date(m.dueAt.getTime() + pendingTtlDays * DAY_MS);
  const unsubscribe = unsubscribeUrl(s, m.subscriberId, m.id);
  const rendered = await renderEmail("confirm", {
    firstName: m.firstName,
    confirmUrl: confirmUrl(s, m.subscriberId, expiresAt),
    validDays: pendingTtlDays,
    unsubscribeUrl: unsubscribe,
    postalAddress: s.postalAddress,
    clinicName: s.clinicName,
    care: s.care,
  });
  // Tagged step=confirm (src/outbound/keys.ts) so provider events can be told apart; never a step in the stats.
  return envelope(s, { kind: "confirmation", id: m.id, subscriberId: m.subscriberId }, m.email, rendered, unsubscribe);
}
