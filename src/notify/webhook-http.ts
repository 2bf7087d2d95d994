import type { LookupAddress, LookupOptions } from "node:dns";
import type { LookupFunction } from "node:net";
import { performance } from "node:perf_hooks";
import { Agent, request } from "undici";
import type { Dispatcher } from "undici";
import { literalAddress, nonPublicReason, systemResolve } from "./public-address.js";
import type { Resolve } from "./public-address.js";

/**
 * Outgoing webhooks' network edge: one POST, told back as what happened; the caller brings URL,
 * headers and body and judges the answer. The address check runs at connect (DESIGN.md invariant
 * 8): the Agent's `connect.lookup` refuses a name unless EVERY address is public, on every new
 * connection (DNS rebinding); a literal IP skips lookup, so it is checked before the request.
 * Redirects are never followed (undici's `request` follows none): a Location could point anywhere.
 */

export type CallAnswer =
  | { kind: "answered"; status: number; durationMs: number; excerpt: string; retryAfterMs: number | undefined }
  | { kind: "unreachable"; durationMs: number; error: string; blocked: boolean };

export interface WebhookHttp {
  /** POSTs `body`; never throws: every failure is an `unreachable` answer. */
  post(url: string, headers: Record<string, string>, body: string): Promise<CallAnswer>;
  /** Closes the kept-alive connections (waits for calls in flight). */
  close(): Promise<void>;
}

export interface WebhookHttpOptions {
  /** WEBHOOK_ALLOW_PRIVATE_URLS: no address check at all. */
  allowPrivate: boolean;
  resolve?: Resolve;
  /** For connect + answer headers + answer body together (issue 16: a 15 s timeout). */
  timeoutMs?: number;
  /** How much of the answer the delivery log keeps (issue 16: the first 1 KB). */
  excerptBytes?: number;
}

export const USER_AGENT = "FlareUpReset-Webhooks/1";
const RETRY_AFTER_CAP_MS = 24 * 60 * 60 * 1000;
/** Past the excerpt, at most this much more is read to keep the connection alive, else it is dropped. */
const DRAIN_LIMIT_BYTES = 64 * 1024;

/** Our own address check refused the connection; `post` answers `blocked: true`. */
export class BlockedAddressError extends Error {
  readonly code = "ERR_WEBHOOK_BLOCKED_ADDRESS";
  constructor(reason: string) {
    super(reason);
    this.name = "BlockedAddressError";
  }
}

/**
 * A net/tls `lookup` that resolves through `resolve` and, unless `allowPrivate`, fails the
 * connection when any address is not public. With `all: true` (autoSelectFamily, Node 20's
 * default) Node expects `callback(err, [{address, family}])`, else `callback(err, address, family)`.
 */
export function checkedLookup(resolve: Resolve, allowPrivate: boolean): LookupFunction {
  return (hostname: string, options: LookupOptions, callback) => {
    const wanted = options.family === 4 || options.family === "IPv4" ? 4 : options.family === 6 || options.family === "IPv6" ? 6 : 0;
    resolve(hostname).then(
      (resolved) => {
        if (resolved.length === 0) {
          callback(Object.assign(new Error(`${hostname} does not resolve to any address`), { code: "ENOTFOUND" }), "");
          return;
        }
        if (!allowPrivate) {
          for (const address of resolved) {
            const why = nonPublicReason(address);
            if (why !== undefined) {
              callback(new BlockedAddressError(`${hostname} resolves to ${address}, ${why}`), "");
              return;
            }
          }
        }
        const addresses: LookupAddress[] = resolved
          .map((address) => ({ address, family: address.includes(":") ? 6 : 4 }))
          .filter((entry) => wanted === 0 || entry.family === wanted);
        const first = addresses[0];
        if (!first) {
          callback(Object.assign(new Error(`${hostname} has no IPv${wanted} address`), { code: "ENOTFOUND" }), "");
        } else if (options.all) {
          callback(null, addresses);
        } else {
          callback(null, first.address, first.family);
        }
      },
      (error: unknown) => callback(error instanceof Error ? error : new Error(String(error)), ""),
    );
  };
}

const WEEKDAY = "(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)";
/** `Sun, 06 Nov 1994 08:49:37 GMT` and `Sunday, 06-Nov-94 08:49:37 GMT`. */
const IMF_OR_RFC850 = new RegExp(`^${WEEKDAY}[a-z]*, .+ GMT$`, "i");
/** `Sun Nov  6 08:49:37 1994`. */
const ASCTIME = new RegExp(`^${WEEKDAY} [A-Za-z]{3} [ \\d]\\d \\d{2}:\\d{2}:\\d{2} \\d{4}$`, "i");

/**
 * `Retry-After` (RFC 9110 §10.2.3) in ms from `now`, capped at 24 h, 0 for a past date; undefined
 * when absent or unreadable. Only the three HTTP-date forms (§5.6.7) reach Date.parse (V8 reads
 * almost anything as a date), each read as GMT (asctime is GMT without saying so).
 */
export function parseRetryAfter(value: string | string[] | undefined, now: number): number | undefined {
  const text = (Array.isArray(value) ? value[0] : value)?.trim();
  if (!text) return undefined;
  let ms: number;
  if (/^\d+$/.test(text)) {
    ms = Number(text) * 1000;
  } else {
    const at = IMF_OR_RFC850.test(text) ? Date.parse(text) : ASCTIME.test(text) ? Date.parse(`${text} GMT`) : Number.NaN;
    if (Number.isNaN(at)) return undefined;
    ms = Math.max(0, at - now);
  }
  return Math.min(ms, RETRY_AFTER_CAP_MS);
}
/**
 * The first `maxBytes` of `bytes` as UTF-8, never ending inside a character: the streaming
 * decoder holds back an incomplete trailing sequence instead of emitting U+FFFD for it.
 */
export function utf8Excerpt(bytes: Uint8Array, maxBytes: number): string {
  return new TextDecoder("utf-8").decode(bytes.subarray(0, maxBytes), { stream: true });
}

/**
 * Reads at most `maxBytes`; undici's `dump` drains a short rest in the background so the connection
 * is reused, and drops it past DRAIN_LIMIT_BYTES: a 100 MB answer is never read nor waited for. A
 * body that fails or stalls part-way (the overall timeout) keeps what arrived, as the status did.
 */
async function readExcerpt(body: Dispatcher.ResponseData["body"], maxBytes: number): Promise<string> {
  const chunks: Buffer[] = [];
  let kept = 0;
  body.on("error", () => {}); // a failure after the excerpt (an abort, a reset) is nobody's to handle
  if (!body.destroyed && maxBytes > 0) {
    await new Promise<void>((done) => {
      const onData = (chunk: Buffer) => {
        const room = maxBytes - kept;
        const part = chunk.subarray(0, room);
        chunks.push(part);
        kept += part.length;
        if (kept >= maxBytes) finish();
      };
      const finish = () => {
        body.off("data", onData).off("end", finish).off("close", finish);
        body.pause();
        done();
      };
      body.on("data", onData).once("end", finish).once("close", finish);
    });
  }
  void body.dump({ limit: DRAIN_LIMIT_BYTES }).catch(() => undefined);
  return utf8Excerpt(Buffer.concat(chunks), maxBytes);
}

const TIMEOUT_CODES = new Set(["UND_ERR_CONNECT_TIMEOUT", "UND_ERR_HEADERS_TIMEOUT", "UND_ERR_BODY_TIMEOUT", "ETIMEDOUT"]);
const PLAIN_CODES: Record<string, string> = {
  ECONNREFUSED: "connection refused",
  ECONNRESET: "connection reset by the receiver",
  UND_ERR_SOCKET: "connection closed by the receiver",
  EPIPE: "connection closed by the receiver",
  ENOTFOUND: "host not found",
  EAI_AGAIN: "host lookup failed (temporary)",
  EHOSTUNREACH: "host unreachable",
  ENETUNREACH: "network unreachable",
};

/** The error and its causes (undici and Node wrap the one that tells). */
function* causes(error: unknown): Generator<unknown> {
  for (let depth = 0, current = error; current !== undefined && current !== null && depth < 5; depth++) {
    yield current;
    current = (current as { cause?: unknown }).cause;
  }
}

/**
 * A failed call for the log, from error codes and names only: a message might quote the URL (its path
 * may be a secret, as in Zapier's catch hooks) or a header; only our own refusal names host and address.
 */
function describeFailure(error: unknown, timeoutMs: number): { error: string; blocked: boolean } {
  for (const cause of causes(error)) {
    if (cause instanceof BlockedAddressError) return { error: `blocked: ${cause.message}`, blocked: true };
  }
  for (const cause of causes(error)) {
    if (typeof cause !== "object" || cause === null) continue;
    const { code, name } = cause as { code?: unknown; name?: unknown };
    if (name === "TimeoutError" || (typeof code === "string" && TIMEOUT_CODES.has(code))) {
      return { error: `timed out after ${timeoutMs} ms`, blocked: false };
    }
    if (typeof code !== "string") continue;
    const plain = PLAIN_CODES[code];
    if (plain) return { error: plain, blocked: false };
    if (/CERT|TLS|SSL/.test(code)) return { error: `TLS failed (${code})`, blocked: false };
    return { error: `request failed (${code})`, blocked: false };
  }
  const name = error instanceof Error ? error.name : typeof error;
  return { error: `request failed (${name})`, blocked: false };
}

export function createWebhookHttp(options: WebhookHttpOptions): WebhookHttp {
  const resolve = options.resolve ?? systemResolve;
  const timeoutMs = options.timeoutMs ?? 15_000;
  const excerptBytes = options.excerptBytes ?? 1024;
  // One Agent per WebhookHttp: kept-alive connections per origin, each checked when it was made.
  // The undici timeouts are backstops; the AbortSignal below bounds the whole call.
  const agent = new Agent({
    connect: { lookup: checkedLookup(resolve, options.allowPrivate), timeout: timeoutMs },
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
  });

  async function post(url: string, headers: Record<string, string>, body: string): Promise<CallAnswer> {
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    const unreachable = (error: string, blocked = false): CallAnswer => ({ kind: "unreachable", durationMs: elapsed(), error, blocked });

    let target: URL;
    try {
      target = new URL(url);
    } catch {
      return unreachable("invalid URL");
    }
    // https only is the admin API's rule at creation (checkWebhookUrl); here http is allowed, so a
    // receiver on the LAN (WEBHOOK_ALLOW_PRIVATE_URLS) and the tests' local server can be reached.
    if (target.protocol !== "https:" && target.protocol !== "http:") return unreachable("unsupported URL scheme");
    const literal = literalAddress(target.hostname);
    if (literal !== undefined && !options.allowPrivate) {
      const why = nonPublicReason(literal);
      if (why !== undefined) return unreachable(`blocked: host ${literal} is ${why}`, true);
    }

    const sent: Record<string, string> = {};
    for (const [name, value] of Object.entries(headers)) if (name.toLowerCase() !== "user-agent") sent[name] = value;
    sent["user-agent"] = USER_AGENT;

    try {
      const answer = await request(target, {
        dispatcher: agent,
        method: "POST",
        headers: sent,
        body,
        signal: AbortSignal.timeout(timeoutMs),
      });
      const excerpt = await readExcerpt(answer.body, excerptBytes);
      return {
        kind: "answered",
        status: answer.statusCode,
        durationMs: elapsed(),
        excerpt,
        retryAfterMs: parseRetryAfter(answer.headers["retry-after"], Date.now()),
      };
    } catch (error) {
      const failure = describeFailure(error, timeoutMs);
      return unreachable(failure.error, failure.blocked);
    }
  }

  return { post, close: () => agent.close() };
}
