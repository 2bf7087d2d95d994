import { zValidator } from "@hono/zod-validator";
import type { Context, ValidationTargets } from "hono";
import type { z } from "zod";
import { ApiError } from "./errors.js";

/**
 * The one zod → error mapping for request input: the first issue becomes a 400 `{"error": {"code":
 * "invalid_input", "message": "FIELD MESSAGE", "field": FIELD}}` (src/http/errors.ts's shape); a
 * problem with the input as a whole names the target instead ("query", "json", "form").
 */
export function invalidInput(error: z.core.$ZodError, target: string): ApiError {
  const issue = error.issues[0];
  const field = issue?.path[0] !== undefined ? String(issue.path[0]) : target;
  return new ApiError("invalid_input", `${field} ${issue?.message ?? "is invalid"}`, field);
}

/**
 * `@hono/zod-validator` with that mapping as hook; handlers read `c.req.valid(target)`. For JSON put
 * `jsonBody` (src/http/request-body.ts) first: it answers 415 and `invalid_json` like every JSON route.
 */
export function validate<Target extends keyof ValidationTargets, Schema extends z.ZodType>(target: Target, schema: Schema) {
  return zValidator(target, schema, (result) => {
    if (!result.success) throw invalidInput(result.error, target);
  });
}

/** Ids in paths: a malformed one is an unknown one (404 `notFound`), never a database error. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const ROW_ID = /^[1-9][0-9]{0,15}$/;

export function uuidParam(c: Context, notFound: string): string {
  const id = c.req.param("id") ?? "";
  if (!UUID.test(id)) throw new ApiError("not_found", notFound);
  return id;
}

export function rowIdParam(c: Context, notFound: string): number {
  const id = c.req.param("id") ?? "";
  if (!ROW_ID.test(id)) throw new ApiError("not_found", notFound);
  return Number(id);
}
