import { Hono, type Context } from "hono";
import { isBot, parseSignup } from "../campaign/signup-input.js";
import { signUp, type SignupDeps } from "../campaign/signup.js";
import { SignupBacklogFull } from "../campaign/signup-batcher.js";
import { ApiError } from "../http/errors.js";
import { requester } from "../http/client-address.js";
import { bodyKind, readFormFields, readJsonBody } from "../http/request-body.js";
import type { RateLimiter } from "../queue/rate-limiter.js";
import { signupFormErrorPage, thanksLocation } from "../pages/landing.js";
import type { PageSettings } from "../pages/layout.js";

export interface SubscribeDeps extends SignupDeps {
  limiter: RateLimiter;
  trustProxy: boolean;
  /** A form post with a mistake gets the form back (status 400), rendered with these. */
  pages: PageSettings;
}

/** POST /api/subscribe: JSON → 202 {"status":"ok"}, a form → 303 /thanks (app-wide 16 KB limit). */
export function subscribeRoute(deps: SubscribeDeps) {
  return new Hono().post("/api/subscribe", async (c) => {
    const who = requester(c, deps.trustProxy);
    const limit = await deps.limiter.consume(who.ip ?? "unknown");
    if (!limit.allowed) {
      throw new ApiError("rate_limited", "Too many signups from this address. Please try again shortly.", undefined, {
        "Retry-After": String(limit.retryAfterSeconds),
      });
    }

    const { body, isForm } = await readBody(c);
    const parsed = parseSignup(body);
    if (!parsed.ok) {
      // Without JavaScript, a person posted the form: show it again with the error inline.
      if (isForm) return signupFormErrorPage(c, deps.pages, body, parsed.error);
      throw new ApiError("invalid_input", parsed.error.message, parsed.error.field);
    }

    // A bot that filled the honeypot gets the same answer as a person, and nothing is stored.
    if (!isBot(parsed.input)) {
      try {
        await signUp(deps, parsed.input, who);
      } catch (error) {
        if (!(error instanceof SignupBacklogFull)) throw error;
        // Backpressure: nothing was stored; the reader (or the form's script) tries again shortly.
        throw new ApiError("unavailable", "We are busy right now. Please try again in a moment.", undefined, {
          "Retry-After": String(error.retryAfterSeconds),
        });
      }
    }
    // The same answer for a new and a known address: the response never tells who is listed.
    return isForm ? c.redirect(thanksLocation(body), 303) : c.json({ status: "ok" }, 202);
  });
}

/** JSON or a form (a person without JavaScript): the one content-type reading of src/http/request-body.ts. */
async function readBody(c: Context): Promise<{ body: unknown; isForm: boolean }> {
  const kind = bodyKind(c.req.header("content-type"));
  if (kind === "json") {
    const body = await readJsonBody(c);
    if (typeof body !== "object" || body === null || Array.isArray(body)) {
      throw new ApiError("invalid_input", "The request body must be a JSON object.");
    }
    return { body, isForm: false };
  }
  if (kind === "form") {
    const body = await readFormFields(c);
    if (!body) throw new ApiError("invalid_input", "The form data could not be read.");
    return { body, isForm: true };
  }
  throw new ApiError(
    "unsupported_media_type",
    "Send application/json, application/x-www-form-urlencoded or multipart/form-data.",
  );
}
