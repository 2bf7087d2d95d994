import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import { routePath } from "hono/route";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { Logger } from "../logger.js";

/**
 * One error type and one error body: `{"error": {"code", "message", "field"?}}`.
 * Only 5xx are logged (they are our fault); unknown errors never leak their message.
 */
export const ERROR_STATUS = {
  invalid_input: 400,
  invalid_json: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  /** The resource is in a state that refuses the action (a disabled webhook endpoint: enable it first). */
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  internal: 500,
  unavailable: 503,
} as const satisfies Record<string, ContentfulStatusCode>;

export type ErrorCode = keyof typeof ERROR_STATUS;

export class ApiError extends HTTPException {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly field?: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(ERROR_STATUS[code], { message });
  }
}

export function errorBody(code: ErrorCode, message: string, field?: string) {
  return { error: { code, message, ...(field ? { field } : {}) } };
}

export function createErrorHandler(logger: Logger) {
  return function handleError(err: Error, c: Context) {
    if (err instanceof ApiError) {
      for (const [name, value] of Object.entries(err.headers)) c.header(name, value);
      return c.json(errorBody(err.code, err.message, err.field), ERROR_STATUS[err.code]);
    }
    if (err instanceof HTTPException && err.status < 500) {
      return c.json(errorBody("invalid_input", err.message || "Bad request"), err.status);
    }
    // The route's pattern, never the path: on /unsubscribe/:token and /confirm/:token the path
    // is a live capability (unsubscribe links never expire), and logs travel further than it should.
    logger.error({ err, method: c.req.method, route: routePattern(c) }, "request failed");
    return c.json(errorBody("internal", "Something went wrong on our side. Please try again."), 500);
  };
}

/** The pattern of the route that was answering ("/unsubscribe/:token"), or "(no route)". */
export function routePattern(c: Context): string {
  try {
    return routePath(c, -1) || "(no route)";
  } catch {
    return "(no route)";
  }
}
