import type postgres from "postgres";
import type { Logger } from "../logger.js";
import type { OutgoingEmail } from "../mail/transport.js";
import type { Queues } from "../queue/queues.js";
import { enqueueAfterCommit } from "../queue/after-commit.js";
import { renderEmail } from "../mail/render.js";
import type { ComposeSettings } from "../campaign/compose.js";
import { envelope } from "../outbound/envelope.js";
import { guideUrl, unsubscribeUrl } from "../campaign/links.js";
import { requestFreshLinkEmail } from "../db/queries/guide.js";
import type { EmailKindDefinition } from "../outbound/kind.js";
import type { ClaimedMessage } from "../db/queries/deliveries.js";

/**
 * "Mail me a fresh link", from an expired guide link. The page answers the same for any address
 * (DESIGN.md invariant 1's rule: no way to learn who is on the list). At most one an hour per
 * subscriber (enforced in Postgres, not by the caller), queued within the provider's rate budget.
 */
export const FRESH_LINK_GAP_SECONDS = 3600;

export interface FreshLinkRequestDeps {
  sql: postgres.Sql;
  queues: Pick<Queues, "enqueueDeliveries">;
  logger: Logger;
}

/**
 * `email` is validated and normalised as at signup. Resolves once the request, with the email's
 * row if one is due, is committed (a row before a job: invariant 2). The enqueue follows on the
 * next turn, so a known address's answer never waits on it; the reconciler redoes a failed or lost one.
 */
export async function requestFreshGuideLink(deps: FreshLinkRequestDeps, email: string): Promise<void> {
  const row = await requestFreshLinkEmail(deps.sql, email, FRESH_LINK_GAP_SECONDS);
  if (row) setImmediate(() => void enqueueAfterCommit(deps, [row]));
}

/**
 * Renders a fresh-link row's email, a pure function of it: the new link's 30 days count from the
 * request (the row's due time), so a retry renders the same. Tagged apart (step=fresh-link) so the
 * per-step stats never count it; one key per row, so a retry is a replay, a later request new mail.
 */
export async function composeFreshLinkEmail(
  s: ComposeSettings,
  m: Pick<ClaimedMessage & { kind: "fresh-link" }, "id" | "subscriberId" | "email" | "firstName" | "dueAt">,
): Promise<OutgoingEmail> {
  const unsubscribe = unsubscribeUrl(s, m.subscriberId, m.id);
  const rendered = await renderEmail("fresh-link", {
    firstName: m.firstName,
    guideUrl: guideUrl(s, m.subscriberId, m.dueAt, m.id),
    validDays: s.guideLinkTtlDays,
    unsubscribeUrl: unsubscribe,
    postalAddress: s.postalAddress,
    clinicName: s.clinicName,
    care: s.care,
  });
  return envelope(s, { kind: "fresh-link", id: m.id, subscriberId: m.subscriberId }, m.email, rendered, unsubscribe);
}

/** The fresh guide link as a kind of message (src/outbound/kind.ts). */
export function freshLinkMessages(compose: ComposeSettings): EmailKindDefinition<"fresh-link"> {
  return {
    kind: "fresh-link",
    channel: "email",
    batchable: false,
    compose: (m) => composeFreshLinkEmail(compose, m),
  };
}
