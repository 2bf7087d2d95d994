import type { Database } from "../db/client.js";
import type { Logger } from "../logger.js";
import type { Queues } from "../queue/queues.js";
import { insertEmailEvent } from "../db/queries/email-events.js";
import { ACTING_EVENT_TYPES, isEmailEventType, parseOccurredAt, webhookEventSchema } from "./events.js";
import type { WebhookHeaders, WebhookVerifier } from "./verify.js";

export interface IngestDeps {
  db: Database;
  queues: Pick<Queues, "enqueueEvents">;
  logger: Logger;
  verify: WebhookVerifier;
}

export type IngestResult =
  | { ok: true; duplicate: boolean }
  | { ok: false; reason: "unauthorized" | "not-json" | "invalid" | "unsupported-type"; message: string; field?: string };

/**
 * Svix message ids are ~30 characters ("msg_…"). The id is a unique-indexed column, and a btree
 * entry cannot exceed about 2.7 KB: a longer id made the insert fail with a 500 (issue 17).
 */
export const MAX_EVENT_ID_LENGTH = 255;

/**
 * Receives one webhook: verify, validate, store, enqueue — and nothing slow, so the provider gets
 * its 2xx at once (Svix retries what is not answered in time). The event is committed before the
 * answer. One that can act on no one (not in ACTING_EVENT_TYPES) is settled as it is stored, and
 * needs no job; any other gets a job that acts on it after the answer, and if its enqueue fails
 * the consent upkeep job enqueues every stored event left unprocessed. A replayed svix-id is
 * stored once.
 */
export async function receiveWebhook(deps: IngestDeps, rawBody: string, headers: WebhookHeaders): Promise<IngestResult> {
  const verified = deps.verify(rawBody, headers);
  if (!verified.ok) {
    if (verified.reason === "not-json") return { ok: false, reason: "not-json", message: "The webhook body is not valid JSON." };
    if (verified.reason === "not-configured") {
      deps.logger.warn("a webhook arrived but RESEND_WEBHOOK_SECRET is not set: it cannot be verified and is refused");
    }
    return { ok: false, reason: "unauthorized", message: "Missing or invalid webhook signature." };
  }
  // Checked after the signature, so an unsigned request learns nothing beyond its 401.
  if (headers.id!.length > MAX_EVENT_ID_LENGTH) {
    return { ok: false, reason: "invalid", message: `svix-id must be at most ${MAX_EVENT_ID_LENGTH} characters.`, field: "svix-id" };
  }
  const parsed = webhookEventSchema.safeParse(verified.payload);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, reason: "invalid", message: `The webhook event is malformed at "${issue?.path.join(".") ?? ""}".` };
  }
  const event = parsed.data;
  if (!isEmailEventType(event.type)) {
    return { ok: false, reason: "unsupported-type", message: `Unsupported event type "${event.type.slice(0, 100)}".` };
  }
  // An event that cannot act on anyone only needs matching to our email: settled as it is stored.
  const settle = !(ACTING_EVENT_TYPES as readonly string[]).includes(event.type);
  const stored = await insertEmailEvent(deps.db, {
    providerEventId: headers.id!,
    type: event.type,
    providerMessageId: event.data.email_id,
    url: event.type === "email.clicked" ? event.data.click?.link : undefined,
    bounceType: event.type === "email.bounced" ? event.data.bounce?.type : undefined,
    payload: verified.payload,
    occurredAt: parseOccurredAt(event.created_at),
  }, { settle });
  if (stored === undefined) return { ok: true, duplicate: true };
  if (stored.settled) return { ok: true, duplicate: false };
  try {
    await deps.queues.enqueueEvents([stored.id]);
  } catch (error) {
    deps.logger.warn({ eventId: stored.id, err: error }, "enqueue of a webhook event failed; the upkeep job will process it");
  }
  return { ok: true, duplicate: false };
}
