import { Hono } from "hono";
import { receiveWebhook, type IngestDeps } from "../feedback/ingest.js";
import { plausibleWebhookHeaders } from "../feedback/verify.js";
import { ApiError } from "../http/errors.js";

export type WebhookDeps = IngestDeps;

/**
 * POST /webhooks/resend — Svix-signed Resend events, the signature checked over the raw body
 * (src/feedback/verify.ts; each answer: docs/http.md). A stored event is answered 200 at once: a
 * job processes what needs more than matching to our email (src/db/queries/email-events.ts).
 */
export function webhookRoutes(deps: WebhookDeps) {
  return new Hono().post("/webhooks/resend", async (c) => {
    const header = (name: string) => c.req.header(`svix-${name}`) ?? c.req.header(`webhook-${name}`);
    const headers = { id: header("id"), timestamp: header("timestamp"), signature: header("signature") };
    // Refused before a byte of the body is read: without fresh signature headers no body can verify.
    if (!plausibleWebhookHeaders(headers)) throw new ApiError("unauthorized", "Missing or invalid webhook signature.");
    const result = await receiveWebhook(deps, await c.req.text(), headers);
    if (result.ok) return c.json({ status: result.duplicate ? "duplicate" : result.unprocessable ? "unprocessable" : "ok" }, 200);
    if (result.reason === "unauthorized") throw new ApiError("unauthorized", result.message);
    if (result.reason === "not-json") throw new ApiError("invalid_json", result.message);
    throw new ApiError("invalid_input", result.message, result.field ?? (result.reason === "unsupported-type" ? "type" : undefined));
  });
}
