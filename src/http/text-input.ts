import type { Context, MiddlewareHandler } from "hono";
import { findUnsafeText, type UnsafeText } from "../unsafe-text.js";
import { ApiError } from "./errors.js";
import { bodyKind } from "./request-body.js";

/**
 * Every text field of every request, checked once for what PostgreSQL cannot store: a 400 naming
 * the field before any route reads it (issue 30; how and why: docs/security.md "Text PostgreSQL
 * cannot store"). `except` lists paths whose body is not ours to refuse: a signed provider event
 * is stored as unprocessable instead (src/feedback/ingest.ts), or its sender retries it for days.
 */
const QUERY_NUL = /%00/;
// "\u0000", any "\uD8xx"–"\uDFxx" escape (a valid pair too: the parse then decides), or a raw NUL.
const JSON_SUSPECT = /\\u(?:0000|[dD][89a-fA-F])|\u0000/;

function refuse(found: UnsafeText, whole: string): never {
  const field = found.path.length > 0 ? String(found.path[0]) : whole;
  throw new ApiError("invalid_input", `${field} must not contain ${found.problem}`, field);
}

function checkQuery(c: Context): void {
  const url = c.req.url;
  const q = url.indexOf("?");
  if (q < 0 || !QUERY_NUL.test(url.slice(q))) return;
  const fields: Record<string, string> = {};
  for (const [key, value] of new URL(url).searchParams) fields[key] = (fields[key] ?? "") + value;
  const found = findUnsafeText(fields);
  if (found) refuse(found, "query");
}

async function checkBody(c: Context): Promise<void> {
  if (c.req.method === "GET" || c.req.method === "HEAD") return;
  const kind = bodyKind(c.req.header("content-type"));
  if (kind === "json") {
    let text: string;
    try {
      text = await c.req.text();
    } catch {
      return; // unreadable: the route answers as it does for any unreadable body
    }
    if (!JSON_SUSPECT.test(text)) return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return; // not JSON: the route's `invalid_json`
    }
    const found = findUnsafeText(parsed);
    if (found) refuse(found, "body");
  } else if (kind === "form") {
    let form: FormData;
    try {
      form = await c.req.formData();
    } catch {
      return;
    }
    const fields: Record<string, string> = {};
    for (const [key, value] of form) if (typeof value === "string") fields[key] = (fields[key] ?? "") + value;
    const found = findUnsafeText(fields);
    if (found) refuse(found, "form");
  }
}

export function textInput(options: { except: readonly string[] }): MiddlewareHandler {
  const skipped = new Set(options.except);
  return async function textInput(c, next) {
    if (!skipped.has(c.req.path)) {
      checkQuery(c);
      await checkBody(c);
    }
    await next();
  };
}
