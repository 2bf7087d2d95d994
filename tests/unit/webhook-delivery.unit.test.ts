import { describe, expect, it } from "vitest";
import { Webhook } from "standardwebhooks";
import { nextAttemptAt, RETRY_DELAYS_MS } from "../../src/notify/retry-schedule.js";
import { newWebhookSecret, signedHeaders } from "../../src/notify/signing.js";

const NOW = new Date("2026-11-30T12:00:00Z");

describe("the retry schedule of a webhook call (Svix's)", () => {
  it("5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h after attempts 1–7; none after the 8th", () => {
    const middle = () => 0.5; // no jitter
    const delays = Array.from({ length: 7 }, (_, i) => nextAttemptAt(i + 1, NOW, { random: middle })!.getTime() - NOW.getTime());
    expect(delays).toEqual([5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000]);
    expect(nextAttemptAt(8, NOW)).toBeUndefined();
  });

  it("spreads each delay by ±10 % so calls failing together do not return together", () => {
    for (const [i, delay] of RETRY_DELAYS_MS.entries()) {
      const low = nextAttemptAt(i + 1, NOW, { random: () => 0 })!.getTime() - NOW.getTime();
      const high = nextAttemptAt(i + 1, NOW, { random: () => 0.999999 })!.getTime() - NOW.getTime();
      expect(Math.abs(low - delay * 0.9)).toBeLessThanOrEqual(1);
      expect(Math.abs(high - delay * 1.1)).toBeLessThanOrEqual(delay * 1e-5 + 1);
    }
  });

  it("never calls again before the receiver's Retry-After, and never sooner than the schedule", () => {
    expect(nextAttemptAt(1, NOW, { retryAfterMs: 60_000, random: () => 0.5 })!.getTime() - NOW.getTime()).toBe(60_000);
    expect(nextAttemptAt(2, NOW, { retryAfterMs: 1_000, random: () => 0.5 })!.getTime() - NOW.getTime()).toBe(300_000);
  });
});

describe("signing a webhook call (Standard Webhooks)", () => {
  const body = JSON.stringify({ type: "subscriber.created", timestamp: NOW.toISOString(), data: { subscriber: { id: "x" } } });

  it("a new secret is whsec_ and 32 random bytes", () => {
    const secret = newWebhookSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(secret.slice(6), "base64")).toHaveLength(32);
    expect(newWebhookSecret()).not.toBe(secret);
  });

  it("the headers verify with the standardwebhooks package; after a rotation with either secret", () => {
    const [before, after] = [newWebhookSecret(), newWebhookSecret()];
    const at = new Date();
    const headers = signedHeaders([after, before], "msg_1", at, body);
    expect(headers["webhook-id"]).toBe("msg_1");
    expect(headers["webhook-timestamp"]).toBe(String(Math.floor(at.getTime() / 1000)));
    expect(headers["content-type"]).toBe("application/json");
    expect(headers["webhook-signature"]!.split(" ")).toHaveLength(2);
    expect(new Webhook(before).verify(body, headers)).toEqual(JSON.parse(body));
    expect(new Webhook(after).verify(body, headers)).toEqual(JSON.parse(body));
    expect(() => new Webhook(newWebhookSecret()).verify(body, headers)).toThrow();
    expect(() => new Webhook(after).verify(body.replace("created", "erased"), headers)).toThrow();
  });
});
