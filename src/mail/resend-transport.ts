import { Resend } from "resend";
import type { BatchSendResult, OutgoingEmail, SendFailure, SendResult, Transport } from "./transport.js";

function payload(email: OutgoingEmail) {
  return {
    from: email.from,
    to: email.to,
    subject: email.subject,
    html: email.html,
    text: email.text,
    headers: email.headers,
    tags: email.tags,
    ...(email.replyTo ? { replyTo: email.replyTo } : {}),
  };
}

/**
 * Sends through the real Resend SDK, which never throws on an HTTP error: it returns `{data, error,
 * headers}`, `error.statusCode` from Resend's body (null on network failure), headers lower-cased.
 */
export function createResendTransport(apiKey: string, baseUrl?: string): Transport {
  const resend = new Resend(apiKey, baseUrl ? { baseUrl } : undefined);
  return {
    name: "resend",
    async send(email: OutgoingEmail): Promise<SendResult> {
      let result: Awaited<ReturnType<typeof resend.emails.send>>;
      try {
        result = await resend.emails.send(payload(email), { idempotencyKey: email.idempotencyKey });
      } catch (error) {
        return { ok: false, kind: "retryable", message: `network: ${(error as Error).message}` };
      }
      if (result.data) return { ok: true, messageId: result.data.id };
      const headers = (result.headers ?? {}) as Record<string, string | undefined>;
      return classifyError(result.error, headers);
    },

    /**
     * POST /emails/batch (≤ 100 emails, strict validation: one invalid email refuses the whole
     * request, and nothing is sent). The ids come back in the order the emails went in.
     */
    async sendBatch(emails: OutgoingEmail[], idempotencyKey: string): Promise<BatchSendResult> {
      let result: Awaited<ReturnType<typeof resend.batch.send>>;
      try {
        result = await resend.batch.send(emails.map(payload), { idempotencyKey });
      } catch (error) {
        return { ok: false, kind: "retryable", message: `network: ${(error as Error).message}` };
      }
      const ids = result.data?.data?.map((d: { id: string }) => d.id);
      if (ids && ids.length === emails.length) return { ok: true, messageIds: ids };
      if (result.data) return { ok: false, kind: "permanent", message: `batch answered ${ids?.length ?? 0} ids for ${emails.length} emails` };
      const headers = (result.headers ?? {}) as Record<string, string | undefined>;
      return classifyError(result.error, headers) as SendFailure;
    },
  };
}

export function classifyError(
  error: { statusCode?: number | null; name?: string; message?: string } | null,
  headers: Record<string, string | undefined>,
): SendResult {
  const status = error?.statusCode ?? null;
  const message = `${status ?? "network"} ${error?.name ?? "error"}: ${error?.message ?? "no message"}`;
  if (status === 429) return { ok: false, kind: "rateLimited", message, retryAfterMs: retryAfterMs(headers) };
  // Another request with our key is still in flight: wait for it and replay, never resend.
  if (status === 409 && error?.name === "concurrent_idempotent_requests") return { ok: false, kind: "retryable", message };
  if (status === null || status >= 500) return { ok: false, kind: "retryable", message };
  return { ok: false, kind: "permanent", message };
}

/** RFC 9110 Retry-After in seconds (the form Resend uses); an HTTP date is honoured too. */
export function retryAfterMs(headers: Record<string, string | undefined>, fallbackMs = 1000): number {
  const value = headers["retry-after"];
  if (!value) return fallbackMs;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, Math.ceil(seconds * 1000));
  const date = Date.parse(value);
  return Number.isNaN(date) ? fallbackMs : Math.max(0, date - Date.now());
}
