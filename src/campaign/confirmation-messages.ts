import type { ComposeSettings } from "./compose.js";
import type { EmailKindDefinition } from "../outbound/kind.js";
import { composeConfirmation } from "./compose-confirmation.js";

/**
 * The double opt-in email as a kind of message (src/outbound/kind.ts). Not a step: the per-step
 * stats never count it, and nothing follows it until the reader clicks. Rendered for the request
 * time (its due time): the confirm link expires PENDING_TTL_DAYS after it.
 */
export function confirmationMessages(compose: ComposeSettings, pendingTtlDays: number): EmailKindDefinition<"confirmation"> {
  return {
    kind: "confirmation",
    channel: "email",
    batchable: false,
    compose: (m) =>
      composeConfirmation(compose, pendingTtlDays, {
        confirmationId: m.id,
        subscriberId: m.subscriberId,
        email: m.email,
        firstName: m.firstName,
        requestedAt: m.dueAt,
      }),
  };
}
