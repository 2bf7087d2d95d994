import type { Context, MiddlewareHandler } from "hono";
import { ApiError } from "./errors.js";

/**
 * The one reading of a request's Content-Type, its media type (RFC 9110 §8.3.1: `charset` or
 * `boundary` do not change what the body is). Every body-taking route decides with it: JSON, a form
 * (urlencoded or multipart, as browsers and RFC 8058 one-click unsubscribes send), or unread.
 */
export type BodyKind = "json" | "form" | "other";

export function bodyKind(contentType: string | undefined): BodyKind {
  const type = (contentType ?? "").split(";")[0]!.trim().toLowerCase();
  if (type === "application/json") return "json";
  if (type === "application/x-www-form-urlencoded" || type === "multipart/form-data") return "form";
  return "other";
}

/**
 * A form body's text fields (each name's first value); undefined if not a form or unreadable, which
 * callers take as an error (signup) or no body (one-click unsubscribe, login, "mail me a fresh link").
 */
export async function readFormFields(c: Context): Promise<Record<string, string> | undefined> {
  if (bodyKind(c.req.header("content-type")) !== "form") return undefined;
  let form: FormData;
  try {
    // hono's cached reader: the edge's text check (src/http/text-input.ts) may have read it already.
    form = await c.req.formData();
  } catch {
    return undefined;
  }
  const fields: Record<string, string> = {};
  for (const [key, value] of form) if (typeof value === "string" && !(key in fields)) fields[key] = value;
  return fields;
}

/** A JSON body: 415 unless it says application/json, 400 `invalid_json` when it does not parse. */
export async function readJsonBody(c: Context): Promise<unknown> {
  if (bodyKind(c.req.header("content-type")) !== "json") throw new ApiError("unsupported_media_type", "Send application/json.");
  try {
    // c.req.json() keeps the parsed body, so a validator after this reads it without parsing again.
    return await c.req.json();
  } catch {
    throw new ApiError("invalid_json", "The request body is not valid JSON.");
  }
}

/** Middleware form of readJsonBody, placed before `validate("json", …)` (src/http/validate.ts). */
export const jsonBody: MiddlewareHandler = async function jsonBody(c, next) {
  await readJsonBody(c);
  await next();
};
