import type { Database } from "../db/client.js";
import type { Logger } from "../logger.js";
import type { Queues } from "../queue/queues.js";
import { insertEmailEvent, insertUnprocessableEvent } from "../db/queries/email-events.js";
import { fieldPath, findUnsafeText } from "../unsafe-text.js";
import { ACTING_EVENT_TYPES, isEmailEventType, parseOccurredAt, webhookEventSchema } from "./events.js";
import type { WebhookHeaders, WebhookVerifier } from "./verify.js";

export interface IngestDeps {
  db: Database;
  queues: Pick<Queues, "enqueueEvents">;
  logger: Logger;
  verify: WebhookVerifier;
}

export type IngestResult =
  | { ok: true; duplicate: boolean; unprocessable?: string }
  | { ok: false; reason: "unauthorized" | "not-json" | "invalid" | "unsupported-type"; message: string; field?: string };

/**
 * Svix message ids are ~30 characters ("msg_…"). The id is a unique-indexed column, and a btree
 * entry cannot exceed about 2.7 KB: a longer id made the insert fail with a 500 (issue 17).
 */
export const MAX_EVENT_ID_LENGTH = 255;

/** Resend's events are a few levels deep; anything far deeper is not one we can read. */
export const MAX_EVENT_DEPTH = 32;

/**
 * Why a signed, schema-valid event still cannot be stored and acted on, if so: text PostgreSQL refuses
 * (src/unsafe-text.ts), nesting past MAX_EVENT_DEPTH, a `created_at` that is no storable date.
 */
function unprocessableReason(payload: unknown, createdAt: string | undefined): string | undefined {
  const unsafe = findUnsafeText(payload, MAX_EVENT_DEPTH);
  if (unsafe) return `${fieldPath(unsafe.path) || "the event"} holds ${unsafe.problem}`;
  if (createdAt !== undefined && parseOccurredAt(createdAt) === undefined) return "created_at is not a date from 1970 to 9999";
  return undefined;
}

/**
 * The SQLSTATE of a PostgreSQL data exception (class 22: the values themselves were refused, so a
 * retry fails the same way), from postgres.js's error or drizzle's wrapper of it (its `cause`).
 */
function dataException(error: unknown): string | undefined {
  const { code, cause } = (error ?? {}) as { code?: unknown; cause?: { code?: unknown } };
  const state = typeof cause?.code === "string" ? cause.code : code;
  return typeof state === "string" && state.startsWith("22") ? state : undefined;
}

/**
 * Receives one webhook: verify, validate, store (committed before the answer), enqueue; nothing slow,
 * so the provider gets its 2xx at once (Svix retries what is not answered in time). An event acting
 * on no one is settled as stored; others get a job (the upkeep job redoes a failed enqueue).
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
  // Signed, so the provider sent it: refusing it would make Resend retry it for days, and a 500
  // is no better (issue 30). It is kept, marked unprocessable, and shown on /admin/failures.
  const reason = unprocessableReason(verified.payload, event.created_at);
  if (reason) return storeUnprocessable(deps, headers.id!, rawBody, reason);
  // An event that cannot act on anyone only needs matching to our email: settled as it is stored.
  const settle = !(ACTING_EVENT_TYPES as readonly string[]).includes(event.type);
  let stored;
  try {
    stored = await insertEmailEvent(deps.db, {
      providerEventId: headers.id!,
      type: event.type,
      providerMessageId: event.data.email_id,
      url: event.type === "email.clicked" ? event.data.click?.link : undefined,
      bounceType: event.type === "email.bounced" ? event.data.bounce?.type : undefined,
      payload: verified.payload,
      occurredAt: parseOccurredAt(event.created_at),
    }, { settle });
  } catch (error) {
    // A value the checks above did not foresee: the same outcome, not a 500 retried for days.
    const state = dataException(error);
    if (!state) throw error;
    return storeUnprocessable(deps, headers.id!, rawBody, `the database refused a value (SQLSTATE ${state})`);
  }
  if (stored === undefined) return { ok: true, duplicate: true };
  if (stored.settled) return { ok: true, duplicate: false };
  try {
    await deps.queues.enqueueEvents([stored.id]);
  } catch (error) {
    deps.logger.warn({ eventId: stored.id, err: error }, "enqueue of a webhook event failed; the upkeep job will process it");
  }
  return { ok: true, duplicate: false };
}

/** Keeps the event as it came (NULs and lone surrogates made storable), settled: no job acts on it. */
async function storeUnprocessable(deps: IngestDeps, providerEventId: string, rawBody: string, reason: string): Promise<IngestResult> {
  const body = rawBody.replace(/\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, "\ufffd");
  const stored = await insertUnprocessableEvent(deps.db, { providerEventId, reason, body });
  if (stored) deps.logger.warn({ providerEventId, reason }, "a signed webhook event could not be processed; stored as unprocessable");
  return { ok: true, duplicate: !stored, unprocessable: reason };
}
