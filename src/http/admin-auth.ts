import { createHash, timingSafeEqual } from "node:crypto";
import type { Context, MiddlewareHandler } from "hono";
import { bearerAuth } from "hono/bearer-auth";
import type { CredentialLimiter } from "../queue/rate-limiter.js";
import { ApiError } from "./errors.js";
import { clientAddress } from "./client-address.js";
import { readAdminSession, type AdminIdentity, type AdminSessionSettings } from "./admin-session.js";
import { sameOrigin } from "./same-origin.js";

export type AdminEnv = { Variables: { admin: AdminIdentity } };

const digest = (value: string) => createHash("sha256").update(value).digest();

const CHALLENGE = 'Bearer realm="admin"';
const INVALID_TOKEN = 'Bearer realm="admin", error="invalid_token"';

/**
 * Failed Bearer checks spend the client's own budget of guesses (issues 17 and 30; docs/security.md
 * "Refusals are counted"). Once spent, its every Bearer request gets 429 before the token is read,
 * the right one too: a throttled guesser must not learn the right guess from the one non-429
 * answer. `onRefused` counts each refusal in the audit (src/audit/audit.ts).
 */
export interface GuessLimit {
  limiter: CredentialLimiter;
  trustProxy: boolean;
  onRefused?: (client: string, action: "bearer.failed" | "bearer.rate_limited") => Promise<void>;
}

function tooManyGuesses(retryAfterSeconds: number): ApiError {
  return new ApiError("rate_limited", "Too many failed attempts from this address. Please try again later.", undefined, {
    "Retry-After": String(retryAfterSeconds),
  });
}

/**
 * The one Bearer check (RFC 6750, on hono/bearer-auth): TOKEN must be one of `tokens` (ADMIN_TOKEN;
 * for /metrics also METRICS_TOKEN). Both sides are hashed before the constant-time compare, so
 * neither the token's characters nor its length leak through timing. A refusal, a malformed header
 * too (hono would answer 400), is our 401 ApiError with a WWW-Authenticate challenge, thrown from
 * hono's message hooks so the one error handler writes it. With no token configured every request
 * is refused: closed, never open.
 */
export function bearerCheck(options: {
  tokens: readonly (string | undefined)[];
  closedMessage: string;
  guesses?: GuessLimit | undefined;
}): MiddlewareHandler<AdminEnv> {
  const expected = options.tokens.filter((t): t is string => Boolean(t)).map(digest);
  if (expected.length === 0) {
    return async function bearerClosed() {
      throw new ApiError("unauthorized", options.closedMessage, undefined, { "WWW-Authenticate": CHALLENGE });
    };
  }
  /** The refusals of a credential that was sent and is wrong (not of a missing one): these are guesses. */
  const wrongCredential = new WeakSet<Error>();
  const refuse = (challenge: string, guess: boolean) => () => {
    const error = new ApiError("unauthorized", "Missing or invalid admin token.", undefined, { "WWW-Authenticate": challenge });
    if (guess) wrongCredential.add(error);
    throw error;
  };
  const check = bearerAuth<AdminEnv>({
    realm: "admin",
    verifyToken: (token) => {
      const given = digest(token);
      // Every expected token is compared, so the time taken does not say which one matched.
      return expected.reduce((match, e) => timingSafeEqual(given, e) || match, false);
    },
    noAuthenticationHeader: { message: refuse(CHALLENGE, false) },
    invalidAuthenticationHeader: { message: refuse(INVALID_TOKEN, true) },
    invalidToken: { message: refuse(INVALID_TOKEN, true) },
  });
  const guesses = options.guesses;
  return async function bearerCheckMiddleware(c, next) {
    const client = guesses ? (clientAddress(c, guesses.trustProxy) ?? "unknown") : "";
    if (guesses) {
      const blocked = await guesses.limiter.blocked(client);
      if (blocked) {
        await guesses.onRefused?.(client, "bearer.rate_limited");
        throw tooManyGuesses(blocked.retryAfterSeconds);
      }
    }
    try {
      await check(c, async () => {
        c.set("admin", { via: "bearer" });
        await next();
      });
    } catch (error) {
      if (guesses && error instanceof Error && wrongCredential.has(error)) {
        // A wrong token leaves a trace (issue 30: 20 wrong tokens left none), counted, not a row each.
        await guesses.onRefused?.(client, "bearer.failed");
        const counted = await guesses.limiter.consume(client);
        // The guess that spends the budget is answered 401 like the others; the next one, 429.
        if (!counted.allowed) throw tooManyGuesses(counted.retryAfterSeconds);
      }
      throw error;
    }
  };
}

/** `Authorization: Bearer ADMIN_TOKEN` only (the data-rights API: scripts, never a browser session). */
export function adminAuth(options: Pick<RequireAdminOptions, "token" | "guesses">): MiddlewareHandler<AdminEnv> {
  return bearerCheck({
    tokens: [options.token],
    closedMessage: "The admin API is closed: set ADMIN_TOKEN to open it.",
    guesses: options.guesses,
  });
}

/**
 * Everything under /admin (and /metrics): `requireAdmin` accepts the Bearer token (the JSON API,
 * scripts, Prometheus) or the login page's signed session cookie (src/http/admin-session.ts).
 * Without either, pages send the visitor to the login page; the API answers 401.
 */
export interface RequireAdminOptions {
  /** ADMIN_TOKEN; undefined keeps every admin route closed. */
  token: string | undefined;
  session: AdminSessionSettings;
  /** "page": redirect to the login page; "api": 401 JSON. */
  mode: "page" | "api";
  /** Another Bearer token this route takes besides ADMIN_TOKEN (METRICS_TOKEN for /metrics). */
  alsoBearer?: string | undefined;
  /** Failed Bearer checks per client. */
  guesses?: GuessLimit | undefined;
}

export function requireAdmin(options: RequireAdminOptions): MiddlewareHandler<AdminEnv> {
  const closed = "The admin is closed: set ADMIN_TOKEN to open it.";
  const bearer = bearerCheck({ tokens: [options.token, options.alsoBearer], closedMessage: closed, guesses: options.guesses });
  return async function requireAdminMiddleware(c, next) {
    // Whoever sends a Bearer token is judged by it alone (a script, Prometheus), never by a cookie.
    if (c.req.header("authorization") !== undefined) return bearer(c, next);
    if (options.token && (await readAdminSession(c, options.token, options.session))) {
      // CSRF: the cookie is SameSite=Strict, and a state-changing request must also come from
      // our own pages (Origin, or Referer when a browser sends no Origin) — OWASP's defence in depth.
      if (!["GET", "HEAD", "OPTIONS"].includes(c.req.method) && !sameOrigin(c.req.raw, options.session.publicUrl)) {
        throw new ApiError("forbidden", "This request did not come from the admin pages.");
      }
      c.set("admin", { via: "session" });
      return next();
    }
    if (options.mode === "page" && (c.req.method === "GET" || c.req.method === "HEAD")) {
      const target = c.req.path + (new URL(c.req.url).search || "");
      return c.redirect(`/admin/login?next=${encodeURIComponent(target)}`, 303);
    }
    throw new ApiError(
      "unauthorized",
      options.token ? "Log in at /admin/login or send Authorization: Bearer ADMIN_TOKEN." : closed,
      undefined,
      { "WWW-Authenticate": CHALLENGE },
    );
  };
}

/** Who did an admin action, as the audit records it. */
export const adminActor = (c: Context<AdminEnv>, trustProxy: boolean) => ({
  actor: `admin (${c.get("admin").via})`,
  clientAddress: clientAddress(c, trustProxy),
});

/** Constant-time check of a login password against ADMIN_TOKEN (both hashed first, as above). */
export function isAdminToken(token: string | undefined, given: string): boolean {
  if (!token) return false;
  return timingSafeEqual(digest(given), digest(token));
}
