import { Resend } from "resend";

/**
 * Resend signs webhooks the Svix way: `svix-id`, `svix-timestamp`, `svix-signature: v1,<base64>`,
 * an HMAC-SHA256 of `${id}.${timestamp}.${raw body}` keyed with the base64 secret after `whsec_`.
 * The SDK's `webhooks.verify` (standardwebhooks) compares in constant time and rejects a timestamp
 * over 5 minutes off, so a captured request cannot be replayed later (within the window, the
 * event-id dedup catches it). It must see the body exactly as sent: the raw text, never re-serialised.
 */
export type Verification =
  | { ok: true; payload: unknown }
  | { ok: false; reason: "not-configured" | "missing-headers" | "bad-signature" | "not-json" };

export interface WebhookHeaders {
  id: string | undefined;
  timestamp: string | undefined;
  signature: string | undefined;
}

/** Svix's (and standardwebhooks') tolerance for `svix-timestamp`, either way. */
export const WEBHOOK_TOLERANCE_SECONDS = 5 * 60;

/**
 * Whether the headers could belong to a delivery the verifier would accept: all three present and
 * the timestamp within ±5 minutes. The route asks this BEFORE reading the body (issue 30: a body
 * trickled for minutes behind `svix-timestamp: 1` held 255 KB each for nothing).
 */
export function plausibleWebhookHeaders(headers: WebhookHeaders, nowMs = Date.now()): boolean {
  const { id, timestamp, signature } = headers;
  if (!id || !signature || !timestamp || !/^\d{1,12}$/.test(timestamp)) return false;
  return Math.abs(nowMs / 1000 - Number(timestamp)) <= WEBHOOK_TOLERANCE_SECONDS;
}

export type WebhookVerifier = (rawBody: string, headers: WebhookHeaders) => Verification;

export function createWebhookVerifier(webhookSecret: string | undefined): WebhookVerifier {
  // verify() needs a client, never its key: no request is made.
  const resend = new Resend("re_webhook_verification_only");
  return (rawBody, headers) => {
    if (!webhookSecret) return { ok: false, reason: "not-configured" };
    const { id, timestamp, signature } = headers;
    if (!id || !timestamp || !signature) return { ok: false, reason: "missing-headers" };
    try {
      const payload: unknown = resend.webhooks.verify({ payload: rawBody, headers: { id, timestamp, signature }, webhookSecret });
      return { ok: true, payload };
    } catch (error) {
      // The signature matched and only then did JSON.parse fail: a signed body that is not JSON.
      if (error instanceof SyntaxError) return { ok: false, reason: "not-json" };
      // WebhookVerificationError: no matching signature, or a timestamp outside ±5 min.
      return { ok: false, reason: "bad-signature" };
    }
  };
}
