import type postgres from "postgres";
import type { Logger } from "../logger.js";
import type { OutgoingEmail, Transport } from "../mail/transport.js";
import type { Queues } from "../queue/queues.js";
import { renderEmail } from "../mail/render.js";
import { outgoingEmail, type ComposeSettings } from "../campaign/compose.js";
import type { DeliveryOutcome } from "../campaign/deliver.js";
import { guideUrl, unsubscribeUrl } from "../campaign/links.js";
import {
  claimGuideLinkEmail,
  failGuideLinkEmail,
  forgetGuideLinkEmail,
  markGuideLinkEmailSent,
  releaseGuideLinkEmail,
  requestGuideLinkEmail,
} from "../db/queries/guide.js";

/**
 * "Mail me a fresh link", from an expired guide link. The page answers the same whatever the
 * address (DESIGN.md invariant 1's rule: no way to learn who is on the list); behind it, a
 * subscriber gets at most one such email an hour (enforced in Postgres, not by the caller), and
 * the email goes through the send queue like every other, within the provider's rate budget.
 */
export const FRESH_LINK_GAP_SECONDS = 3600;

export interface FreshLinkRequestDeps {
  sql: postgres.Sql;
  queues: Pick<Queues, "enqueueGuideLinkEmail">;
  logger: Logger;
}

/** `email` is already validated and normalised (trimmed, lower-case), as at signup. */
export async function requestFreshGuideLink(deps: FreshLinkRequestDeps, email: string): Promise<void> {
  const id = await requestGuideLinkEmail(deps.sql, email, FRESH_LINK_GAP_SECONDS);
  if (id === undefined) return;
  try {
    await deps.queues.enqueueGuideLinkEmail(id);
  } catch (error) {
    // Nothing re-creates this job later: drop the row so the hourly limit does not block a retry.
    deps.logger.warn({ guideLinkEmailId: id, err: error }, "enqueue of a fresh guide link failed; request dropped");
    await forgetGuideLinkEmail(deps.sql, id).catch(() => undefined);
  }
}

export interface GuideLinkSendDeps {
  sql: postgres.Sql;
  transport: Transport;
  logger: Logger;
  compose: ComposeSettings;
  leaseSeconds: number;
}

/** One key per row: a retry is a replay; a new request an hour later is a new email. */
export function guideLinkIdempotencyKey(subscriberId: string, guideLinkEmailId: number): string {
  return `fur-guide-link-${guideLinkEmailId}-${subscriberId}`;
}

export interface GuideLinkRecipient {
  guideLinkEmailId: number;
  subscriberId: string;
  email: string;
  firstName: string | null;
  /** The request time: the new link's 30 days count from it, so a retry renders the same email. */
  requestedAt: Date;
}

export async function composeGuideLinkEmail(s: ComposeSettings, to: GuideLinkRecipient): Promise<OutgoingEmail> {
  const unsubscribe = unsubscribeUrl(s, to.subscriberId);
  const rendered = await renderEmail("guide-link", {
    firstName: to.firstName,
    guideUrl: guideUrl(s, to.subscriberId, to.requestedAt),
    validDays: s.guideLinkTtlDays,
    unsubscribeUrl: unsubscribe,
    postalAddress: s.postalAddress,
    clinicName: s.clinicName,
  });
  // Not a step of the sequence: tagged apart so the per-step stats never count it.
  return outgoingEmail(s, to.email, rendered, unsubscribe, "guide-link", guideLinkIdempotencyKey(to.subscriberId, to.guideLinkEmailId));
}

/**
 * Sends one fresh-link email like a delivery (invariants 3 and 4): claim the row, call the
 * provider under the row's key, record the outcome, in the send worker's vocabulary.
 */
export async function sendGuideLinkEmail(
  deps: GuideLinkSendDeps,
  guideLinkEmailId: number,
  options: { finalAttempt: boolean },
): Promise<DeliveryOutcome> {
  const claim = await claimGuideLinkEmail(deps.sql, guideLinkEmailId, deps.leaseSeconds);
  if (!claim.claimed) {
    if (claim.state === "busy") return { kind: "later", at: claim.until, reason: "claimed by another worker" };
    return { kind: "skipped", reason: `fresh guide link is ${claim.state}` };
  }
  const row = claim.claimed;
  if (row.state === "cancelled") return { kind: "skipped", reason: "the address bounced or complained meanwhile" };

  const email = await composeGuideLinkEmail(deps.compose, {
    guideLinkEmailId: row.id,
    subscriberId: row.subscriberId,
    email: row.email,
    firstName: row.firstName,
    requestedAt: row.createdAt,
  });
  const result = await deps.transport.send(email);
  if (result.ok) {
    await markGuideLinkEmailSent(deps.sql, row.id, result.messageId);
    return { kind: "sent", messageId: result.messageId };
  }
  if (result.kind === "permanent" || (result.kind === "retryable" && options.finalAttempt)) {
    await failGuideLinkEmail(deps.sql, row.id, result.message);
    return { kind: "failed", message: result.message };
  }
  await releaseGuideLinkEmail(deps.sql, row.id, result.message);
  if (result.kind === "rateLimited") return { kind: "rateLimited", retryAfterMs: result.retryAfterMs, message: result.message };
  return { kind: "retry", message: result.message };
}
