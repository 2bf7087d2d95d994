import { createHmac, randomBytes } from "node:crypto";
import type { TestStack } from "./stack.js";

/**
 * Signs webhook requests exactly as Svix (and so Resend) does — written from the scheme, not by
 * calling our verifier: HMAC-SHA256 over `${svix-id}.${svix-timestamp}.${raw body}`, keyed with
 * the base64-decoded part of the secret after `whsec_`, sent as `svix-signature: v1,<base64>`.
 */
export const TEST_WEBHOOK_SECRET = `whsec_${Buffer.from("flare-up-reset-test-webhook-key!").toString("base64")}`;

export function svixSignature(secret: string, id: string, timestamp: number, body: string): string {
  const key = Buffer.from(secret.slice("whsec_".length), "base64");
  return `v1,${createHmac("sha256", key).update(`${id}.${timestamp}.${body}`).digest("base64")}`;
}

export interface SignOptions {
  secret?: string;
  id?: string;
  /** Unix seconds; default now. */
  timestamp?: number;
}

export function svixHeaders(body: string, options: SignOptions = {}): Record<string, string> {
  const id = options.id ?? `msg_${randomBytes(12).toString("hex")}`;
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  return {
    "content-type": "application/json",
    "svix-id": id,
    "svix-timestamp": String(timestamp),
    "svix-signature": svixSignature(options.secret ?? TEST_WEBHOOK_SECRET, id, timestamp, body),
  };
}

/** A Resend email event shaped like the real ones (resend 6.x webhook types). */
export function resendEvent(type: string, emailId: string, data: Record<string, unknown> = {}, createdAt = new Date()) {
  return {
    type,
    created_at: createdAt.toISOString(),
    data: {
      created_at: createdAt.toISOString(),
      email_id: emailId,
      from: "Flare-Up Reset <onboarding@resend.dev>",
      to: ["reader@example.com"],
      subject: "Your Flare-Up Reset Guide is here",
      tags: { step: "welcome" },
      ...data,
    },
  };
}

export function postWebhook(stack: TestStack, body: string, headers: Record<string, string>) {
  return stack.app.request("/webhooks/resend", { method: "POST", headers, body });
}

export function postSignedEvent(stack: TestStack, event: unknown, options: SignOptions = {}) {
  const body = JSON.stringify(event);
  return postWebhook(stack, body, svixHeaders(body, options));
}
