/**
 * A local fake of the Resend HTTP API (`POST /emails`, `POST /emails/batch`).
 *
 * Tests and the benchmark point the REAL resend SDK at it through `RESEND_BASE_URL`, so the
 * transport is exercised through the same code path it uses in production. The fake copies the
 * parts of Resend that our invariants depend on: idempotency keys (replay / 409), the per-team
 * rate limit (429 + `retry-after` + `ratelimit-*` headers), batch limits (100 emails, no
 * attachments, no `scheduled_at`), minimal validation, and error bodies shaped
 * `{ statusCode, name, message }` — the SDK hands that body back verbatim as `error`, so the
 * `statusCode` field MUST be in the body (the SDK does not fill it in from the HTTP status when
 * the body is JSON).
 *
 * Request pipeline (order matters, and is deterministic):
 *   auth (401/403) → scripted fault (failNext) → rate limit (429) → idempotency gate
 *   (replay / 409) → latency → validation (422) → accept → store idempotency record → reply.
 * The idempotency key is held "in flight" during the latency, so two concurrent requests with
 * the same key get `409 concurrent_idempotent_requests`, as on Resend.
 *
 * Control endpoints (no auth, not logged in `requests`), used by the CLI, the bench and humans:
 *   GET /_stats · GET /_accepted?to=… · GET /_receipts · POST /_reset · POST /_fail {n,status,body?,headers?,afterAccept?}
 */
import { createHash, randomUUID } from "node:crypto";
import { createServer } from "node:http";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { waitFor } from "./wait.js";

export interface FakeResendOptions {
  /** Port to listen on; 0 (default) picks a free ephemeral port. */
  port?: number;
  /** Interface to bind; default 127.0.0.1 (never exposed beyond the machine). */
  host?: string;
  /** Requests allowed per window (Resend's default team limit is 2/s); undefined or 0 = unlimited. */
  rateLimit?: number;
  /** Emails a batch request may carry (default 100, as at Resend). */
  maxBatch?: number;
  /** Length of the rate-limit window in ms (default 1000: "requests per second"). */
  rateLimitWindowMs?: number;
  /** Delay before answering each API request, in ms (default 0). */
  latencyMs?: number;
  /** If set, only `Bearer <apiKey>` is accepted (others → 403 invalid_api_key). Default: any key. */
  apiKey?: string;
  /** How long an idempotency key is remembered (Resend: 24 h). */
  idempotencyTtlMs?: number;
  /** Keep each email's html and text (default true); the bench keeps only who got what, when: 100k bodies overflow the heap. */
  keepBodies?: boolean;
}

export interface Tag {
  name: string;
  value: string;
}

/** One email the fake accepted (one per email, so a batch of 3 adds 3). */
export interface AcceptedEmail {
  id: string;
  from: string;
  to: string[];
  subject: string;
  html: string | undefined;
  text: string | undefined;
  /** The email's custom headers object as sent (e.g. List-Unsubscribe), not the HTTP headers. */
  headers: Record<string, string> | undefined;
  tags: Tag[] | undefined;
  replyTo: string | string[] | undefined;
  /** The request's Idempotency-Key header (shared by every email of a batch). */
  idempotencyKey: string | undefined;
  batch: boolean;
  /** Date.now() when accepted (wall clock, so it compares across processes). */
  receivedAt: number;
  /** The email object exactly as it arrived in the JSON body (snake_case API fields). */
  raw: Record<string, unknown>;
}

export interface RequestLogEntry {
  method: string;
  path: string;
  status: number;
  idempotencyKey: string | undefined;
  /** Emails in the request body (1 for /emails, the array length for /emails/batch). */
  count: number;
  /** Date.now() on arrival. */
  at: number;
  /** True when the answer was an idempotent replay of an earlier response. */
  replayed: boolean;
}

export interface FaultOptions {
  /** Extra response headers (a 429 gets `retry-after: 1` unless given). */
  headers?: Record<string, string>;
  /**
   * Process the request normally (accept the emails, remember the idempotency key) and only then
   * answer with the fault: models "the provider sent it but the response was lost", which is the
   * case idempotency keys exist for. A retry with the same key then replays the original success.
   */
  afterAccept?: boolean;
  /** Only a request to this path (e.g. "/emails/batch") takes the fault; others pass it by. */
  path?: string;
}

export interface FakeResendStats {
  accepted: number;
  requests: number;
  byStatus: Record<string, number>;
  replayed: number;
}

export interface FakeResend {
  /** Base URL for RESEND_BASE_URL, e.g. http://127.0.0.1:41234 (no trailing slash). */
  readonly url: string;
  readonly port: number;
  /** Accepted emails, in acceptance order. The array is cleared in place by reset(). */
  readonly accepted: AcceptedEmail[];
  /** Every API request, logged when answered. Cleared in place by reset(). */
  readonly requests: RequestLogEntry[];
  /** The next `n` API requests fail with `status` (after auth), then behaviour is normal again. */
  failNext(n: number, status: number, body?: unknown, options?: FaultOptions): void;
  setRateLimit(requestsPerWindow: number | undefined): void;
  setLatency(ms: number): void;
  /** Clears logs, pending faults, idempotency records and the rate-limit window (keeps options). */
  reset(): void;
  /** Accepted emails whose `to` contains the address (case-insensitive, `Name <addr>` understood). */
  acceptedTo(address: string): AcceptedEmail[];
  /** API requests received and not yet answered (`requests` logs a request only once answered). */
  inFlight(): number;
  stats(): FakeResendStats;
  /** Polls every 10 ms until predicate(fake) is true; rejects with a descriptive error on timeout. */
  waitFor(predicate: (fake: FakeResend) => boolean, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------

interface Reply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

interface Fault {
  status: number;
  body: unknown;
  options: FaultOptions;
}

interface IdempotencyRecord {
  fingerprint: string;
  reply: Reply;
  expiresAt: number;
}

const MAX_BATCH = 100;
const MAX_RECIPIENTS = 50;
const MAX_IDEMPOTENCY_KEY = 256;
// Resend's tag rule: ASCII letters, digits, underscores, dashes; at most 256 characters.
const TAG_PATTERN = /^[A-Za-z0-9_-]{1,256}$/;
// Loose on purpose: `addr@domain` or `Display Name <addr@domain>`.
const ADDRESS_PATTERN = /^(?:[^<>]*<\s*[^\s@<>]+@[^\s@<>]+\s*>|[^\s@<>]+@[^\s@<>]+)$/;

/** A Resend-shaped error reply: the SDK returns this body verbatim as `error`. */
function errorReply(status: number, name: string, message: string): Reply {
  return { status, body: { statusCode: status, name, message } };
}

const DEFAULT_ERROR_NAMES: Record<number, string> = {
  400: "validation_error",
  401: "missing_api_key",
  403: "invalid_api_key",
  404: "not_found",
  405: "method_not_allowed",
  409: "invalid_idempotent_request",
  422: "validation_error",
  429: "rate_limit_exceeded",
  500: "internal_server_error",
  503: "application_error",
};

/** JSON with sorted keys, so two payloads that differ only in key order fingerprint the same. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

/** `Jane <Jane@Example.com>` → `jane@example.com`. */
function bareAddress(address: string): string {
  const match = /<([^>]+)>/.exec(address);
  return (match?.[1] ?? address).trim().toLowerCase();
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function toList(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === "string");
  return [];
}

/** Minimal Resend-like validation of one email; returns an error message or null. */
function validateEmail(email: unknown, inBatch: boolean): string | null {
  if (!isRecord(email)) return "Each email must be a JSON object.";
  if (typeof email.from !== "string" || email.from === "") return "Missing `from` field.";
  if (!ADDRESS_PATTERN.test(email.from)) {
    return "Invalid `from` field. The email address needs to follow the `email@example.com` or `Name <email@example.com>` format.";
  }
  if (email.to === undefined || email.to === "" || (Array.isArray(email.to) && email.to.length === 0)) {
    return "Missing `to` field.";
  }
  const to = typeof email.to === "string" ? [email.to] : email.to;
  if (!Array.isArray(to) || !to.every((a) => typeof a === "string" && ADDRESS_PATTERN.test(a))) {
    return "Invalid `to` field. The email address needs to follow the `email@example.com` or `Name <email@example.com>` format.";
  }
  if (to.length > MAX_RECIPIENTS) return `Too many recipients in \`to\` (max ${MAX_RECIPIENTS}).`;
  if (typeof email.subject !== "string" || email.subject === "") return "Missing `subject` field.";
  if (email.headers !== undefined) {
    if (!isRecord(email.headers) || !Object.values(email.headers).every((v) => typeof v === "string")) {
      return "Invalid `headers` field. It must be an object of string values.";
    }
  }
  if (email.tags !== undefined) {
    const ok =
      Array.isArray(email.tags) &&
      email.tags.every(
        (t) => isRecord(t) && typeof t.name === "string" && typeof t.value === "string" &&
          TAG_PATTERN.test(t.name) && TAG_PATTERN.test(t.value),
      );
    if (!ok) return "Invalid `tags` field. Tag names and values may only contain ASCII letters, numbers, underscores, or dashes.";
  }
  if (inBatch && email.attachments !== undefined) return "Attachments are not supported in batch emails.";
  if (inBatch && email.scheduled_at !== undefined) return "The `scheduled_at` field is not supported in batch emails.";
  return null;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function send(res: ServerResponse, reply: Reply): void {
  const payload = reply.body === undefined ? "" : JSON.stringify(reply.body);
  res.writeHead(reply.status, {
    ...(payload ? { "content-type": "application/json" } : {}),
    ...reply.headers,
  });
  res.end(payload);
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

// ---------------------------------------------------------------------------------------------

export async function startFakeResend(options: FakeResendOptions = {}): Promise<FakeResend> {
  let rateLimit = options.rateLimit && options.rateLimit > 0 ? options.rateLimit : undefined;
  const windowMs = options.rateLimitWindowMs ?? 1000;
  let latencyMs = options.latencyMs ?? 0;
  const idempotencyTtlMs = options.idempotencyTtlMs ?? 24 * 60 * 60 * 1000;
  const keepBodies = options.keepBodies ?? true;

  const accepted: AcceptedEmail[] = [];
  const requests: RequestLogEntry[] = [];
  const faults: Fault[] = [];
  const idempotency = new Map<string, IdempotencyRecord>();
  const inFlight = new Set<string>();
  // API requests between arrival and answer: a test that waits for the provider to settle needs
  // to see a request held by the latency, which `requests` does not list until it is answered.
  let unanswered = 0;
  // Monotonic arrival times (performance.now) of requests that counted against the limit.
  let windowHits: number[] = [];

  /**
   * Sliding window: a request is admitted when fewer than `rateLimit` requests were admitted in
   * the last `windowMs`. Rejected (429) requests do not consume budget, so a client that paces
   * itself at the limit never sees a 429. `force` counts the request without ever limiting it
   * (scripted faults: they did reach the server). Returns the ratelimit-* headers for the reply.
   */
  function rateGate(force = false): { limited: boolean; headers: Record<string, string> } {
    if (rateLimit === undefined) return { limited: false, headers: {} };
    const now = performance.now();
    windowHits = windowHits.filter((t) => t > now - windowMs);
    const limited = !force && windowHits.length >= rateLimit;
    if (!limited) windowHits.push(now);
    const oldest = windowHits[0];
    const resetSeconds = oldest === undefined ? 0 : Math.max(1, Math.ceil((oldest + windowMs - now) / 1000));
    const headers: Record<string, string> = {
      "ratelimit-limit": String(rateLimit),
      "ratelimit-remaining": String(Math.max(0, rateLimit - windowHits.length)),
      "ratelimit-reset": String(resetSeconds),
    };
    if (limited) headers["retry-after"] = String(resetSeconds);
    return { limited, headers };
  }

  function acceptEmails(emails: Record<string, unknown>[], key: string | undefined, batch: boolean): string[] {
    return emails.map((email) => {
      const id = randomUUID();
      accepted.push({
        id,
        from: email.from as string,
        to: toList(email.to),
        subject: email.subject as string,
        html: keepBodies && typeof email.html === "string" ? email.html : undefined,
        text: keepBodies && typeof email.text === "string" ? email.text : undefined,
        headers: email.headers as Record<string, string> | undefined,
        tags: email.tags as Tag[] | undefined,
        replyTo: email.reply_to as string | string[] | undefined,
        idempotencyKey: key,
        batch,
        receivedAt: Date.now(),
        raw: keepBodies ? email : {},
      });
      return id;
    });
  }

  /** Validates and accepts a parsed body; pure w.r.t. HTTP. */
  function processEmails(path: string, body: unknown, key: string | undefined, permissive: boolean): Reply {
    if (path === "/emails") {
      const problem = validateEmail(body, false);
      if (problem) return errorReply(422, "validation_error", problem);
      const [id] = acceptEmails([body as Record<string, unknown>], key, false);
      return { status: 200, body: { id } };
    }
    // /emails/batch
    if (!Array.isArray(body)) return errorReply(422, "validation_error", "The batch body must be an array of emails.");
    if (body.length === 0) return errorReply(422, "validation_error", "The batch must contain at least one email.");
    const maxBatch = options.maxBatch ?? MAX_BATCH;
    if (body.length > maxBatch) {
      return errorReply(422, "validation_error", `Too many emails in batch: ${body.length} (max ${maxBatch}).`);
    }
    const problems = body.map((email) => validateEmail(email, true));
    const errors = problems.flatMap((message, index) => (message ? [{ index, message }] : []));
    // Strict (the SDK's default, header x-batch-validation: strict): one bad email rejects all.
    if (!permissive && errors[0]) {
      return errorReply(422, "validation_error", `emails[${errors[0].index}]: ${errors[0].message}`);
    }
    const valid = body.filter((_, i) => problems[i] === null) as Record<string, unknown>[];
    const ids = acceptEmails(valid, key, true);
    return { status: 200, body: permissive ? { data: ids.map((id) => ({ id })), errors } : { data: ids.map((id) => ({ id })) } };
  }

  async function handleApi(req: IncomingMessage, path: string, rawBody: string): Promise<{ reply: Reply; entry: Omit<RequestLogEntry, "status"> }> {
    const method = req.method ?? "GET";
    const keyHeader = req.headers["idempotency-key"];
    const key = typeof keyHeader === "string" ? keyHeader : undefined;
    let parsed: unknown;
    let parseFailed = false;
    try {
      parsed = rawBody ? JSON.parse(rawBody) : undefined;
    } catch {
      parseFailed = true;
    }
    const count = path === "/emails/batch" ? (Array.isArray(parsed) ? parsed.length : 0) : parsed === undefined ? 0 : 1;
    const entry = { method, path, idempotencyKey: key, count, at: Date.now(), replayed: false };
    const finish = async (reply: Reply) => {
      if (latencyMs > 0) await sleep(latencyMs); // the injected latency: part of the scenario a test sets
      return { reply, entry };
    };

    if (path !== "/emails" && path !== "/emails/batch") {
      return finish(errorReply(404, "not_found", "The requested endpoint does not exist."));
    }
    if (method !== "POST") return finish(errorReply(405, "method_not_allowed", "Method is not allowed for the requested path."));

    // 1. Auth.
    const auth = req.headers.authorization;
    const token = auth?.startsWith("Bearer ") ? auth.slice("Bearer ".length).trim() : "";
    if (!token) return finish(errorReply(401, "missing_api_key", "Missing API key in the authorization header."));
    if (options.apiKey !== undefined && token !== options.apiKey) {
      return finish(errorReply(403, "invalid_api_key", "API key is invalid."));
    }

    // 2. Scripted fault: always hits the very next authenticated request (deterministic), and
    //    counts against the rate limit because the request did reach the server.
    const faultIndex = faults.findIndex((f) => f.options.path === undefined || f.options.path === path);
    const fault = faultIndex >= 0 ? faults.splice(faultIndex, 1)[0] : undefined;
    if (fault && !fault.options.afterAccept) return finish(faultReply(fault, rateGate(true).headers));

    // 3. Rate limit (an afterAccept fault is forced through so that it, too, is deterministic).
    const gate = rateGate(fault !== undefined);
    // Every reply from here on carries the ratelimit-* headers; an afterAccept fault replaces the
    // answer only after the request had its normal effect (accepted + key remembered).
    const answer = (reply: Reply): Reply => {
      const final = fault ? faultReply(fault, {}) : reply;
      return { ...final, headers: { ...gate.headers, ...final.headers } };
    };
    if (gate.limited) {
      return finish(answer(errorReply(429, "rate_limit_exceeded",
        `Too many requests. You can only make ${rateLimit} requests per second. ` +
          "See rate limit response headers for more information.")));
    }

    if (parseFailed) return finish(answer(errorReply(400, "validation_error", "Request body is not valid JSON.")));

    // 4. Idempotency gate: replay, mismatch or concurrent use.
    // A digest, not the body: a batch of 100 emails is megabytes, remembered for a day per key.
    const fingerprint = createHash("sha256").update(`${method} ${path} ${canonicalJson(parsed)}`).digest("hex");
    if (key !== undefined) {
      if (key.length === 0 || key.length > MAX_IDEMPOTENCY_KEY) {
        return finish(answer(errorReply(400, "invalid_idempotency_key", `The key must be between 1-${MAX_IDEMPOTENCY_KEY} chars.`)));
      }
      const record = idempotency.get(key);
      if (record && record.expiresAt <= Date.now()) idempotency.delete(key);
      else if (record) {
        if (record.fingerprint !== fingerprint) {
          return finish(answer(errorReply(409, "invalid_idempotent_request",
            "Same idempotency key used with a different request payload. Change your idempotency key or payload.")));
        }
        entry.replayed = true;
        return finish(answer(record.reply));
      }
      if (inFlight.has(key)) {
        return finish(answer(errorReply(409, "concurrent_idempotent_requests",
          "Same idempotency key used while original request is still in progress. Try the request again later.")));
      }
      inFlight.add(key);
    }

    // 5. Latency (the key is held in flight meanwhile), then validate + accept.
    try {
      if (latencyMs > 0) await sleep(latencyMs); // the injected latency: part of the scenario a test sets
      const permissive = req.headers["x-batch-validation"] === "permissive";
      const reply = processEmails(path, parsed, key, permissive);
      // Like most idempotent APIs, only a success is remembered: a 422 can be fixed and retried.
      if (key !== undefined && reply.status < 300) {
        idempotency.set(key, { fingerprint, reply, expiresAt: Date.now() + idempotencyTtlMs });
      }
      return { reply: answer(reply), entry };
    } finally {
      if (key !== undefined) inFlight.delete(key);
    }
  }

  function faultReply(fault: Fault, rateHeaders: Record<string, string>): Reply {
    const name = DEFAULT_ERROR_NAMES[fault.status] ?? "application_error";
    const body = fault.body ?? { statusCode: fault.status, name, message: `Scripted fault (${fault.status}).` };
    const headers: Record<string, string> = { ...rateHeaders };
    if (fault.status === 429) headers["retry-after"] = "1";
    return { status: fault.status, body, headers: { ...headers, ...fault.options.headers } };
  }

  function stats(): FakeResendStats {
    const byStatus: Record<string, number> = {};
    for (const r of requests) byStatus[r.status] = (byStatus[r.status] ?? 0) + 1;
    return { accepted: accepted.length, requests: requests.length, byStatus, replayed: requests.filter((r) => r.replayed).length };
  }

  function acceptedTo(address: string): AcceptedEmail[] {
    const wanted = bareAddress(address);
    return accepted.filter((email) => email.to.some((to) => bareAddress(to) === wanted));
  }

  function failNext(n: number, status: number, body?: unknown, faultOptions: FaultOptions = {}): void {
    for (let i = 0; i < n; i++) faults.push({ status, body, options: faultOptions });
  }

  function reset(): void {
    accepted.length = 0;
    requests.length = 0;
    faults.length = 0;
    idempotency.clear();
    windowHits = [];
  }

  /** Debug/bench endpoints under `/_`; not part of Resend's API, so not logged nor authenticated. */
  function handleControl(method: string, url: URL, rawBody: string): Reply {
    if (method === "GET" && url.pathname === "/_stats") return { status: 200, body: stats() };
    if (method === "GET" && url.pathname === "/_accepted") {
      const to = url.searchParams.get("to");
      return { status: 200, body: to ? acceptedTo(to) : accepted };
    }
    if (method === "GET" && url.pathname === "/_receipts") {
      // Compact: who got which step when, without the bodies (the bench reads tens of thousands).
      return {
        status: 200,
        body: accepted.map((a) => ({
          to: a.to[0],
          step: a.tags?.find((t) => t.name === "step")?.value,
          receivedAt: a.receivedAt,
          batch: a.batch,
        })),
      };
    }
    if (method === "POST" && url.pathname === "/_reset") {
      reset();
      return { status: 204, body: undefined };
    }
    if (method === "POST" && url.pathname === "/_fail") {
      const spec: unknown = rawBody ? JSON.parse(rawBody) : {};
      if (!isRecord(spec) || typeof spec.n !== "number" || typeof spec.status !== "number") {
        return errorReply(400, "validation_error", "Expected {n: number, status: number, body?, headers?, afterAccept?}.");
      }
      failNext(spec.n, spec.status, spec.body, {
        headers: isRecord(spec.headers) ? (spec.headers as Record<string, string>) : undefined,
        afterAccept: spec.afterAccept === true,
      } as FaultOptions);
      return { status: 204, body: undefined };
    }
    return errorReply(404, "not_found", "Unknown control endpoint.");
  }

  const server = createServer((req, res) => {
    void (async () => {
      try {
        const url = new URL(req.url ?? "/", "http://fake-resend");
        const rawBody = await readBody(req);
        if (url.pathname.startsWith("/_")) return send(res, handleControl(req.method ?? "GET", url, rawBody));
        unanswered++;
        try {
          const { reply, entry } = await handleApi(req, url.pathname, rawBody);
          requests.push({ ...entry, status: reply.status });
          send(res, reply);
        } finally {
          unanswered--;
        }
      } catch (err) {
        // A bug in the fake must show up as a loud 500, not a hung test.
        console.error("[fake-resend] handler crashed:", err);
        if (!res.headersSent) send(res, errorReply(500, "internal_server_error", String(err)));
        else res.end();
      }
    })();
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => resolve());
  });
  const { address, port } = server.address() as AddressInfo;
  const host = address.includes(":") ? `[${address}]` : address;

  const fake: FakeResend = {
    url: `http://${host}:${port}`,
    port,
    accepted,
    requests,
    failNext,
    setRateLimit(n) {
      rateLimit = n && n > 0 ? n : undefined;
      windowHits = [];
    },
    setLatency(ms) {
      latencyMs = ms;
    },
    reset,
    acceptedTo,
    inFlight: () => unanswered,
    stats,
    async waitFor(predicate, timeoutMs = 5000) {
      await waitFor(async () => predicate(fake), timeoutMs, "the fake provider", 10).catch(() => {
        const s = stats();
        throw new Error(
          `fake-resend waitFor: condition not met within ${timeoutMs} ms ` +
            `(accepted=${s.accepted}, requests=${s.requests}, byStatus=${JSON.stringify(s.byStatus)})`,
        );
      });
    },
    close() {
      return new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        // fetch (undici) keeps connections alive; without this close() would wait for them.
        server.closeAllConnections();
      });
    },
  };
  return fake;
}
