import { describe, expect, it } from "vitest";
import { classifyError, retryAfterMs } from "../../src/mail/resend-transport.js";

describe("retryAfterMs", () => {
  it("reads Retry-After seconds as milliseconds", () => {
    expect(retryAfterMs({ "retry-after": "3" })).toBe(3000);
    expect(retryAfterMs({ "retry-after": "0.5" })).toBe(500);
    expect(retryAfterMs({ "retry-after": "0" })).toBe(0);
  });

  it("falls back when the header is missing, empty or unreadable", () => {
    expect(retryAfterMs({})).toBe(1000);
    expect(retryAfterMs({ "retry-after": undefined })).toBe(1000);
    expect(retryAfterMs({ "retry-after": "" })).toBe(1000);
    expect(retryAfterMs({ "retry-after": "soon" })).toBe(1000);
    expect(retryAfterMs({}, 2500)).toBe(2500);
  });

  it("honours an HTTP date", () => {
    const inThirtySeconds = new Date(Date.now() + 30_000).toUTCString(); // whole seconds
    const wait = retryAfterMs({ "retry-after": inThirtySeconds });
    expect(wait).toBeGreaterThan(28_000);
    expect(wait).toBeLessThanOrEqual(30_000);
  });

  it("never returns a negative wait for a date in the past", () => {
    expect(retryAfterMs({ "retry-after": new Date(Date.now() - 60_000).toUTCString() })).toBe(0);
  });
});

describe("classifyError", () => {
  it("classifies 429 as rateLimited with the wait Retry-After asks for", () => {
    const result = classifyError(
      { statusCode: 429, name: "rate_limit_exceeded", message: "Too many requests" },
      { "retry-after": "2" },
    );
    expect(result).toMatchObject({ ok: false, kind: "rateLimited", retryAfterMs: 2000 });
  });

  it("falls back to 1 s for a 429 without Retry-After", () => {
    const result = classifyError({ statusCode: 429, name: "rate_limit_exceeded", message: "Too many requests" }, {});
    expect(result).toMatchObject({ ok: false, kind: "rateLimited", retryAfterMs: 1000 });
  });

  it.each([
    [{ statusCode: 500, name: "internal_server_error", message: "Something broke" }],
    [{ statusCode: 502, name: "application_error", message: "Bad gateway" }],
    [{ statusCode: 503, name: "application_error", message: "Unavailable" }],
    [{ statusCode: null, name: "application_error", message: "fetch failed" }],
    [{ statusCode: 409, name: "concurrent_idempotent_requests", message: "Same key in flight" }],
  ])("classifies %j as retryable", (error) => {
    expect(classifyError(error, {})).toMatchObject({ ok: false, kind: "retryable" });
  });

  it("classifies a missing error object as retryable", () => {
    expect(classifyError(null, {})).toMatchObject({ ok: false, kind: "retryable" });
  });

  it.each([
    [{ statusCode: 409, name: "invalid_idempotent_request", message: "Key reused with another payload" }],
    [{ statusCode: 422, name: "validation_error", message: "Invalid `to` field" }],
    [{ statusCode: 400, name: "invalid_idempotency_key", message: "Key too long" }],
    [{ statusCode: 403, name: "invalid_from_address", message: "Domain not verified" }],
    [{ statusCode: 401, name: "missing_api_key", message: "Missing API key" }],
  ])("classifies %j as permanent", (error) => {
    expect(classifyError(error, {})).toMatchObject({ ok: false, kind: "permanent" });
  });

  it("puts the status, the provider's error name and its message in the message", () => {
    const result = classifyError({ statusCode: 422, name: "validation_error", message: "Invalid `to` field" }, {});
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.message).toContain("Invalid `to` field");
    expect(result.message).toContain("422");
    expect(result.message).toContain("validation_error");
  });

  it("keeps the provider's message for rate limits and network failures", () => {
    const limited = classifyError({ statusCode: 429, name: "rate_limit_exceeded", message: "Slow down please" }, {});
    const network = classifyError({ statusCode: null, name: "application_error", message: "ECONNRESET" }, {});
    expect(limited.ok === false && limited.message).toContain("Slow down please");
    expect(network.ok === false && network.message).toContain("ECONNRESET");
  });
});
