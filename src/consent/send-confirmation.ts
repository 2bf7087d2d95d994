import type postgres from "postgres";
import type { Logger } from "../logger.js";
import type { Transport } from "../mail/transport.js";
import type { ComposeSettings } from "../campaign/compose.js";
import type { DeliveryOutcome } from "../campaign/deliver.js";
import {
  claimConfirmation,
  failConfirmation,
  markConfirmationSent,
  releaseConfirmation,
} from "../db/queries/confirmations.js";
import { composeConfirmation } from "./compose-confirmation.js";

export interface ConfirmationSendDeps {
  sql: postgres.Sql;
  transport: Transport;
  logger: Logger;
  compose: ComposeSettings;
  pendingTtlDays: number;
  leaseSeconds: number;
}

/**
 * Sends one double opt-in email, exactly like a delivery (DESIGN.md invariants 3 and 4): claim
 * the row (re-checking the subscriber still waits for it), call the provider under the row's
 * idempotency key, record the outcome. The outcome is the send worker's vocabulary, so the
 * worker maps it onto BullMQ the same way (retry, rate limit, fail).
 */
export async function sendConfirmation(
  deps: ConfirmationSendDeps,
  confirmationId: number,
  options: { finalAttempt: boolean },
): Promise<DeliveryOutcome> {
  const claim = await claimConfirmation(deps.sql, confirmationId, deps.leaseSeconds);
  if (!claim.claimed) {
    if (claim.state === "busy") return { kind: "later", at: claim.until, reason: "claimed by another worker" };
    return { kind: "skipped", reason: `confirmation is ${claim.state}` };
  }
  const c = claim.claimed;
  if (c.state === "cancelled") return { kind: "skipped", reason: "the address confirmed, left or bounced meanwhile" };

  const email = await composeConfirmation(deps.compose, deps.pendingTtlDays, {
    confirmationId: c.id,
    subscriberId: c.subscriberId,
    email: c.email,
    firstName: c.firstName,
    requestedAt: c.createdAt,
  });
  const result = await deps.transport.send(email);
  if (result.ok) {
    await markConfirmationSent(deps.sql, c.id, result.messageId);
    return { kind: "sent", messageId: result.messageId };
  }
  if (result.kind === "permanent" || (result.kind === "retryable" && options.finalAttempt)) {
    await failConfirmation(deps.sql, c.id, result.message);
    return { kind: "failed", message: result.message };
  }
  await releaseConfirmation(deps.sql, c.id, result.message);
  if (result.kind === "rateLimited") return { kind: "rateLimited", retryAfterMs: result.retryAfterMs, message: result.message };
  return { kind: "retry", message: result.message };
}
