import type { Context, MiddlewareHandler } from "hono";
import { bodyLimit as honoBodyLimit } from "hono/body-limit";
import { ApiError } from "./errors.js";

/**
 * Every request body's limit in one place: `requestBodyLimits()` is mounted before any route, so
 * a later one cannot forget it (issue 17: the login form read 100 MB posts whole). The longest
 * matching prefix decides, else DEFAULT_BODY_BYTES (docs/http.md "Security: what is limited and how").
 */
export const DEFAULT_BODY_BYTES = 16 * 1024;

export const BODY_LIMITS: readonly { prefix: string; maxBytes: number }[] = [
  // Resend's events are a few KB; anything near this is not one of them.
  { prefix: "/webhooks/", maxBytes: 256 * 1024 },
  // A one-click unsubscribe carries `List-Unsubscribe=One-Click` (RFC 8058 §3.1): a few hundred bytes.
  { prefix: "/unsubscribe/", maxBytes: 8 * 1024 },
  // "Mail me a fresh link": one address.
  { prefix: "/guide/", maxBytes: 4 * 1024 },
  // The login form, the subscriber actions, the data-rights JSON: a few fields each.
  { prefix: "/admin", maxBytes: 4 * 1024 },
];

/** The limit for a path: the longest matching prefix, else the default (signup's 16 KB form). */
export function bodyLimitFor(path: string): number {
  let best: { prefix: string; maxBytes: number } | undefined;
  for (const limit of BODY_LIMITS) {
    if (path.startsWith(limit.prefix) && (!best || limit.prefix.length > best.prefix.length)) best = limit;
  }
  return best?.maxBytes ?? DEFAULT_BODY_BYTES;
}

const tooLarge = (maxBytes: number) => () => {
  throw new ApiError("payload_too_large", `The request body must be at most ${Math.round(maxBytes / 1024)} KB.`);
};

/**
 * hono/body-limit minus its hot-path cost: it first reads `c.req.raw.body`, which on
 * @hono/node-server turns the light request into a full WHATWG Request with a ReadableStream, about
 * a tenth of a signup's CPU. With a declared Content-Length (and no Transfer-Encoding) Node's HTTP
 * parser never delivers more, so the header alone decides and the body is read on node-server's
 * fast path. Chunked bodies go through Hono's streaming check, which stops at the first chunk past
 * the limit: an oversized body is never read whole.
 */
export function bodyLimit(options: { maxSize: number; onError: (c: Context) => Response | Promise<Response> }): MiddlewareHandler {
  const streaming = honoBodyLimit(options);
  return async function fastBodyLimit(c, next) {
    const length = c.req.header("content-length");
    const chunked = c.req.header("transfer-encoding") !== undefined;
    if (length !== undefined && !chunked) {
      const size = Number(length);
      if (!Number.isFinite(size) || size > options.maxSize) return options.onError(c);
      return next();
    }
    // RFC 9112 §6.3: with neither Content-Length nor Transfer-Encoding there is no body; only GET/HEAD
    // skips the check on that ground (an in-process Request, as in tests, may stream with neither).
    if (!chunked && (c.req.method === "GET" || c.req.method === "HEAD")) return next();
    return streaming(c, next);
  };
}

/** The app-wide middleware: each request's limit from BODY_LIMITS, 413 `payload_too_large` above it. */
export function requestBodyLimits(): MiddlewareHandler {
  const sizes = [DEFAULT_BODY_BYTES, ...BODY_LIMITS.map((l) => l.maxBytes)];
  const limiters = new Map(sizes.map((size) => [size, bodyLimit({ maxSize: size, onError: tooLarge(size) })]));
  return async function requestBodyLimit(c, next) {
    return limiters.get(bodyLimitFor(c.req.path))!(c, next);
  };
}
