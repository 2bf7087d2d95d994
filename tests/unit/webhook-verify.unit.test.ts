import { describe, expect, it } from "vitest";
import { createWebhookVerifier } from "../../src/feedback/verify.js";
import { svixSignature, TEST_WEBHOOK_SECRET } from "../support/svix.js";

const body = JSON.stringify({ type: "email.delivered", created_at: "2026-11-25T10:00:00.000Z", data: { email_id: "em_1" } });
const now = () => Math.floor(Date.now() / 1000);
const headersFor = (payload: string, options: { secret?: string; id?: string; timestamp?: number } = {}) => {
  const id = options.id ?? "msg_unit_1";
  const timestamp = options.timestamp ?? now();
  return { id, timestamp: String(timestamp), signature: svixSignature(options.secret ?? TEST_WEBHOOK_SECRET, id, timestamp, payload) };
};

describe("webhook signature verification (resend SDK webhooks.verify)", () => {
  const verify = createWebhookVerifier(TEST_WEBHOOK_SECRET);

  it("accepts a Svix-signed body and hands back the parsed event", () => {
    expect(verify(body, headersFor(body))).toEqual({ ok: true, payload: JSON.parse(body) });
  });

  it("accepts when one of several signatures matches (secret rotation sends both)", () => {
    const h = headersFor(body);
    const other = svixSignature(`whsec_${Buffer.from("x".repeat(32)).toString("base64")}`, h.id, Number(h.timestamp), body);
    expect(verify(body, { ...h, signature: `${other} ${h.signature}` }).ok).toBe(true);
  });

  it.each([
    ["a wrong secret", () => headersFor(body, { secret: `whsec_${Buffer.from("y".repeat(32)).toString("base64")}` })],
    ["a timestamp 5 min 10 s old", () => headersFor(body, { timestamp: now() - 310 })],
    ["a timestamp 5 min 10 s ahead", () => headersFor(body, { timestamp: now() + 310 })],
    ["a signature made for another id", () => ({ ...headersFor(body), id: "msg_other" })],
    ["a non-numeric timestamp", () => ({ ...headersFor(body), timestamp: "yesterday" })],
    ["an unknown signature version", () => ({ ...headersFor(body), signature: headersFor(body).signature.replace("v1,", "v2,") })],
  ])("refuses %s", (_name, headers) => {
    expect(verify(body, headers())).toEqual({ ok: false, reason: "bad-signature" });
  });

  it("refuses a body changed by one character, and a re-serialised one", () => {
    const h = headersFor(body);
    expect(verify(body.replace("delivered", "bounced"), h)).toEqual({ ok: false, reason: "bad-signature" });
    expect(verify(JSON.stringify(JSON.parse(body), null, 2), h)).toEqual({ ok: false, reason: "bad-signature" });
  });

  it("tells missing headers and a signed non-JSON body apart", () => {
    expect(verify(body, { id: undefined, timestamp: String(now()), signature: "v1,x" })).toEqual({ ok: false, reason: "missing-headers" });
    const text = "not json at all";
    expect(verify(text, headersFor(text))).toEqual({ ok: false, reason: "not-json" });
  });

  it("refuses everything when no secret is configured", () => {
    expect(createWebhookVerifier(undefined)(body, headersFor(body))).toEqual({ ok: false, reason: "not-configured" });
  });
});
