/**
 * Drives the fake Resend API with the REAL resend SDK, so the fake is proven to speak the wire
 * format the SDK produces and parses.
 *
 * How resend 6.38 talks HTTP (read from node_modules/resend/dist/index.mjs), which the transport
 * relies on:
 * - Base URL: `options.baseUrl ?? process.env.RESEND_BASE_URL ?? "https://api.resend.com"`, read in
 *   the `Resend` CONSTRUCTOR (not at import). So set the env var before `new Resend(...)`; changing
 *   it afterwards has no effect on an existing client.
 * - `emails.send(p, {idempotencyKey})` → `POST {base}/emails`, JSON body with snake_case fields
 *   (`reply_to`, `scheduled_at`; `headers`, `tags` as given; undefined fields dropped), headers
 *   `Authorization: Bearer <key>`, `Content-Type: application/json`, `User-Agent: resend-node:…`,
 *   `Idempotency-Key: <key>` when given.
 * - `batch.send([...], {idempotencyKey, batchValidation?})` → `POST {base}/emails/batch`, body a
 *   JSON array, plus `x-batch-validation: strict` (default) or `permissive`. Success `data` is the
 *   response body itself, i.e. `{ data: [{ id }] }` → read ids as `result.data.data[i].id`.
 * - It NEVER throws on HTTP errors; it returns `{ data, error, headers }`:
 *   - non-2xx with a JSON body → `error` IS THAT BODY verbatim; `error.statusCode` is whatever the
 *     body says (Resend puts it there) — the SDK does not copy the HTTP status into it.
 *   - non-2xx with a non-JSON body → `error = { name: "application_error", statusCode: <HTTP status>, … }`.
 *   - network failure / connection refused → `error = { name: "application_error",
 *     statusCode: null, … }` and `headers: null` (treat as retryable, status unknown).
 *   - `headers` (success AND error) is `Object.fromEntries(response.headers)`: a plain object with
 *     lower-case names → `result.headers?.["retry-after"]`, `result.headers?.["ratelimit-limit"]`.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { Resend } from "resend";
import type { CreateEmailOptions } from "resend";
import { startFakeResend } from "../support/fake-resend.js";
import type { FakeResend } from "../support/fake-resend.js";

/** Builds a real SDK client aimed at `url` through RESEND_BASE_URL, restoring the env after. */
function clientFor(url: string): Resend {
  const previous = process.env.RESEND_BASE_URL;
  process.env.RESEND_BASE_URL = url;
  try {
    return new Resend("re_test");
  } finally {
    if (previous === undefined) delete process.env.RESEND_BASE_URL;
    else process.env.RESEND_BASE_URL = previous;
  }
}

function email(to: string, overrides: Partial<CreateEmailOptions> = {}): CreateEmailOptions {
  return {
    from: "Flare-Up Reset <guide@clinic.example>",
    to,
    subject: "Your Flare-Up Reset Guide",
    html: "<p>Hello</p>",
    text: "Hello",
    headers: {
      "List-Unsubscribe": "<https://clinic.example/unsubscribe/tok>",
      "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    },
    tags: [{ name: "step", value: "welcome" }],
    ...overrides,
  } as CreateEmailOptions;
}

describe("fake Resend driven by the real SDK", () => {
  let fake: FakeResend;
  let resend: Resend;

  beforeAll(async () => {
    fake = await startFakeResend();
    resend = clientFor(fake.url);
  });
  afterEach(() => fake.reset());
  afterAll(() => fake.close());

  it("reads RESEND_BASE_URL at construction, not at import", () => {
    // clientFor() already restored the env; the client must keep the fake's URL.
    expect(process.env.RESEND_BASE_URL).not.toBe(fake.url);
    expect((resend as unknown as { baseUrl: string }).baseUrl).toBe(fake.url);
  });

  it("accepts a single email and records headers, tags, replyTo and the idempotency key", async () => {
    const result = await resend.emails.send(email("reader@example.com", { replyTo: "desk@clinic.example" }), {
      idempotencyKey: "welcome-42",
    });
    expect(result.error).toBeNull();
    expect(result.data?.id).toMatch(/^[0-9a-f-]{36}$/);

    expect(fake.accepted).toHaveLength(1);
    const [sent] = fake.accepted;
    expect(sent).toMatchObject({
      id: result.data?.id,
      to: ["reader@example.com"],
      subject: "Your Flare-Up Reset Guide",
      text: "Hello",
      replyTo: "desk@clinic.example",
      idempotencyKey: "welcome-42",
      batch: false,
      tags: [{ name: "step", value: "welcome" }],
    });
    expect(sent?.headers?.["List-Unsubscribe-Post"]).toBe("List-Unsubscribe=One-Click");
    expect(fake.acceptedTo("READER@example.com")).toHaveLength(1);
    expect(fake.requests).toEqual([
      expect.objectContaining({ method: "POST", path: "/emails", status: 200, idempotencyKey: "welcome-42", count: 1 }),
    ]);
  });

  it("accepts a batch of 3 and returns ids in the SDK's { data: { data: [...] } } shape", async () => {
    const result = await resend.batch.send(
      ["a@example.com", "b@example.com", "c@example.com"].map((to) => email(to)),
      { idempotencyKey: "batch-1" },
    );
    expect(result.error).toBeNull();
    const ids = result.data?.data.map((d) => d.id);
    expect(ids).toHaveLength(3);
    expect(fake.accepted.map((a) => a.id)).toEqual(ids);
    expect(fake.accepted.every((a) => a.batch && a.idempotencyKey === "batch-1")).toBe(true);
    expect(fake.requests[0]).toMatchObject({ path: "/emails/batch", count: 3, status: 200 });
  });

  it("replays the same key + payload with the same id and accepts nothing new", async () => {
    const payload = email("replay@example.com");
    const first = await resend.emails.send(payload, { idempotencyKey: "same-key" });
    const again = await resend.emails.send(payload, { idempotencyKey: "same-key" });
    expect(again.error).toBeNull();
    expect(again.data?.id).toBe(first.data?.id);
    expect(fake.accepted).toHaveLength(1);
    expect(fake.requests.map((r) => r.replayed)).toEqual([false, true]);

    // Batches replay too: same members under the same key → same ids.
    const members = [email("x@example.com"), email("y@example.com")];
    const b1 = await resend.batch.send(members, { idempotencyKey: "batch-replay" });
    const b2 = await resend.batch.send(members, { idempotencyKey: "batch-replay" });
    expect(b2.data?.data).toEqual(b1.data?.data);
    expect(fake.accepted).toHaveLength(3);
  });

  it("rejects the same key with a different payload: 409 invalid_idempotent_request", async () => {
    await resend.emails.send(email("one@example.com"), { idempotencyKey: "k-409" });
    const result = await resend.emails.send(email("two@example.com"), { idempotencyKey: "k-409" });
    expect(result.data).toBeNull();
    expect(result.error).toMatchObject({ name: "invalid_idempotent_request", statusCode: 409 });
    expect(fake.accepted).toHaveLength(1);
  });

  it("rejects concurrent use of one key: 409 concurrent_idempotent_requests", async () => {
    fake.setLatency(100);
    try {
      const payload = email("concurrent@example.com");
      const [a, b] = await Promise.all([
        resend.emails.send(payload, { idempotencyKey: "k-conc" }),
        resend.emails.send(payload, { idempotencyKey: "k-conc" }),
      ]);
      const errors = [a.error, b.error].filter((e) => e !== null);
      expect(errors).toEqual([expect.objectContaining({ name: "concurrent_idempotent_requests", statusCode: 409 })]);
      expect(fake.accepted).toHaveLength(1);
    } finally {
      fake.setLatency(0);
    }
  });

  it("rejects a 101-email batch, attachments in a batch, and missing required fields (422)", async () => {
    const many = Array.from({ length: 101 }, (_, i) => email(`r${i}@example.com`));
    const tooMany = await resend.batch.send(many);
    expect(tooMany.error).toMatchObject({ name: "validation_error", statusCode: 422 });

    const withAttachment = await resend.batch.send([
      { ...email("att@example.com"), attachments: [{ filename: "a.txt", content: "hi" }] } as CreateEmailOptions,
    ]);
    expect(withAttachment.error).toMatchObject({ statusCode: 422 });

    const noSubject = await resend.emails.send({ ...email("s@example.com"), subject: "" });
    expect(noSubject.error).toMatchObject({ name: "validation_error", statusCode: 422 });
    expect(noSubject.error?.message).toContain("subject");

    const badTag = await resend.emails.send(email("t@example.com", { tags: [{ name: "step", value: "red flags" }] }));
    expect(badTag.error).toMatchObject({ statusCode: 422 });
    expect(fake.accepted).toHaveLength(0);
  });

  it("permissive batch validation accepts the valid members and reports the rest", async () => {
    const result = await resend.batch.send([email("ok@example.com"), { ...email("bad@example.com"), to: "nope" }], {
      batchValidation: "permissive",
    });
    expect(result.data?.data).toHaveLength(1);
    expect(result.data?.errors).toEqual([expect.objectContaining({ index: 1 })]);
  });

  it("requires a Bearer token (401 missing_api_key)", async () => {
    const res = await fetch(`${fake.url}/emails`, { method: "POST", body: JSON.stringify(email("x@example.com")) });
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ statusCode: 401, name: "missing_api_key" });
  });

  it("failNext(1, 500) fails once, then the next request succeeds", async () => {
    fake.failNext(1, 500);
    const failed = await resend.emails.send(email("retry@example.com"), { idempotencyKey: "k-500" });
    expect(failed.error).toMatchObject({ statusCode: 500, name: "internal_server_error" });
    const ok = await resend.emails.send(email("retry@example.com"), { idempotencyKey: "k-500" });
    expect(ok.error).toBeNull();
    expect(fake.accepted).toHaveLength(1);
    expect(fake.requests.map((r) => r.status)).toEqual([500, 200]);
  });

  it("failNext(..., {afterAccept}) models a lost response: the retry replays, no double send", async () => {
    fake.failNext(1, 503, undefined, { afterAccept: true });
    const lost = await resend.emails.send(email("lost@example.com"), { idempotencyKey: "k-lost" });
    expect(lost.error).toMatchObject({ statusCode: 503 });
    expect(fake.accepted).toHaveLength(1);
    const retry = await resend.emails.send(email("lost@example.com"), { idempotencyKey: "k-lost" });
    expect(retry.data?.id).toBe(fake.accepted[0]?.id);
    expect(fake.accepted).toHaveLength(1);
  });

  it("a scripted 429 carries retry-after, readable from the SDK's headers", async () => {
    fake.failNext(1, 429, undefined, { headers: { "retry-after": "3" } });
    const result = await resend.emails.send(email("slow@example.com"));
    expect(result.error).toMatchObject({ statusCode: 429, name: "rate_limit_exceeded" });
    expect(result.headers?.["retry-after"]).toBe("3");
  });

  it("waitFor resolves when the predicate holds and times out with a clear message", async () => {
    const pending = fake.waitFor((f) => f.acceptedTo("later@example.com").length === 1, 2000);
    await resend.emails.send(email("later@example.com"));
    await expect(pending).resolves.toBeUndefined();
    await expect(fake.waitFor(() => false, 50)).rejects.toThrow(/not met within 50 ms/);
  });

  it("exposes /_stats and /_accepted for the CLI and the bench", async () => {
    await resend.emails.send(email("stats@example.com"));
    const stats = (await (await fetch(`${fake.url}/_stats`)).json()) as unknown;
    expect(stats).toMatchObject({ accepted: 1, requests: 1, byStatus: { "200": 1 } });
    const list = (await (await fetch(`${fake.url}/_accepted?to=stats@example.com`)).json()) as unknown[];
    expect(list).toHaveLength(1);

    // Another process (the bench) can script faults and reset over HTTP.
    await fetch(`${fake.url}/_fail`, { method: "POST", body: JSON.stringify({ n: 1, status: 503 }) });
    const failed = await resend.emails.send(email("stats@example.com"));
    expect(failed.error).toMatchObject({ statusCode: 503 });
    expect((await fetch(`${fake.url}/_reset`, { method: "POST" })).status).toBe(204);
    expect(fake.accepted).toHaveLength(0);
    expect(fake.requests).toHaveLength(0);
  });
});

describe("fake Resend rate limiting", () => {
  let fake: FakeResend;
  let resend: Resend;

  beforeAll(async () => {
    fake = await startFakeResend({ rateLimit: 2 });
    resend = clientFor(fake.url);
  });
  afterAll(() => fake.close());

  it("answers the third request within a second with 429 + retry-after and ratelimit-* headers", async () => {
    const first = await resend.emails.send(email("r1@example.com"));
    expect(first.error).toBeNull();
    expect(first.headers?.["ratelimit-limit"]).toBe("2");
    expect(first.headers?.["ratelimit-remaining"]).toBe("1");

    await resend.emails.send(email("r2@example.com"));
    const third = await resend.emails.send(email("r3@example.com"));
    expect(third.data).toBeNull();
    expect(third.error).toMatchObject({ statusCode: 429, name: "rate_limit_exceeded" });
    expect(Number(third.headers?.["retry-after"])).toBeGreaterThanOrEqual(1);
    expect(third.headers?.["ratelimit-remaining"]).toBe("0");
    expect(fake.accepted).toHaveLength(2);

    // After the window slides, requests are admitted again (a 429 does not consume budget).
    // The pause is the scenario: a second of the provider's clock has to pass.
    await new Promise((resolve) => setTimeout(resolve, 1050));
    const later = await resend.emails.send(email("r4@example.com"));
    expect(later.error).toBeNull();
  });
});
