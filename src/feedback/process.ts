import type postgres from "postgres";
import type { Logger } from "../logger.js";
import { leave } from "../campaign/leave.js";
import { findMessage, loadEmailEvent, markEventProcessed, type MessageMatch } from "../db/queries/email-events.js";
import { anonymisePayload } from "./anonymise.js";
import { isHardBounce, suppressionReason } from "./events.js";

export interface ProcessDeps {
  sql: postgres.Sql;
  logger: Logger;
}

/**
 * processed: done (matched to one of our messages, of any kind, or kept as unmatched). retry: no
 * email has this message id yet and the event is fresh (the provider's webhook can beat our commit).
 */
export type EventOutcome =
  | { kind: "processed"; matched: MessageMatch["kind"] | "none"; action: "suppressed" | "none" }
  | { kind: "skipped"; reason: string }
  | { kind: "retry"; message: string };

/** How long a fresh event waits for its send to be committed before it counts as unmatched. */
export const MATCH_GRACE_MS = 60_000;

/**
 * Acts on one stored webhook event, idempotently: a hard bounce or complaint (on a sequence email
 * or a confirmation) calls leave(), itself idempotent, before the event is marked processed, so a
 * crash between repeats nothing harmful. It suppresses the address: status bounced/complained, every
 * future send stopped (invariant 4); later signups answered alike, sent nothing until an admin lifts it.
 */
export async function processEvent(
  deps: ProcessDeps,
  eventId: number,
  options: { finalAttempt: boolean },
): Promise<EventOutcome> {
  const event = await loadEmailEvent(deps.sql, eventId);
  if (!event) return { kind: "skipped", reason: "event is gone" };
  if (event.processedAt) return { kind: "skipped", reason: "already processed" };

  const match = event.providerMessageId ? await findMessage(deps.sql, event.providerMessageId) : undefined;
  if (!match && event.providerMessageId && !options.finalAttempt && Date.now() - event.occurredAt.getTime() < MATCH_GRACE_MS) {
    return { kind: "retry", message: "no email with this message id yet" };
  }

  let action: "suppressed" | "none" = "none";
  if (match) {
    const reason = suppressionFor(event.type, event.bounceType, event.payload);
    if (reason) {
      await leave(deps.sql, match.subscriberId, reason);
      action = "suppressed";
    }
  }
  await markEventProcessed(deps.sql, event.id, {
    match,
    // The person was erased: keep the counts, not the address the provider echoes back.
    anonymisedPayload: match?.erased ? anonymisePayload(event.payload) : undefined,
  });
  if (!match) deps.logger.info({ eventId: event.id, type: event.type }, "webhook event for an unknown message id kept as unmatched");
  if (action === "suppressed") deps.logger.info({ eventId: event.id, type: event.type }, "address suppressed after provider feedback");
  return { kind: "processed", matched: match?.kind ?? "none", action };
}

/** Acts only on ACTING_EVENT_TYPES (events.ts): every other event is settled as it is stored (insertEmailEvent). */
function suppressionFor(type: string, bounceType: string | null, payload: unknown): "bounced" | "complained" | undefined {
  if (type === "email.complained") return "complained";
  if (type === "email.bounced") return isHardBounce(bounceType) ? "bounced" : undefined;
  if (type === "email.suppressed") {
    const data = (payload as { data?: { suppressed?: { type?: string } } } | null)?.data;
    return suppressionReason(data?.suppressed?.type);
  }
  return undefined;
}
