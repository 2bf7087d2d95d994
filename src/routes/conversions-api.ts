import { Hono, type MiddlewareHandler } from "hono";
import type postgres from "postgres";
import { z } from "zod";
import { convert, GOALS } from "../campaign/conversions.js";
import { signupSchema } from "../campaign/signup-input.js";
import type { AdminEnv } from "../http/admin-auth.js";
import { ApiError } from "../http/errors.js";
import { jsonBody } from "../http/request-body.js";
import { validate } from "../http/validate.js";

const conversionSchema = z.object({
  email: signupSchema.shape.email,
  goal: z.enum(GOALS, { error: `must be one of: ${GOALS.join(", ")}` }),
});

/**
 * POST /admin/api/conversions {email, goal}: a reader reached a goal — the clinic's booking tool
 * calls it through Zapier, Make or n8n when someone books (docs/sequence.md "Goals: a reader who booked").
 */
export function conversionsApi(deps: { sql: postgres.Sql }, auth: MiddlewareHandler<AdminEnv>) {
  return new Hono<AdminEnv>().post("/admin/api/conversions", auth, jsonBody, validate("json", conversionSchema), async (c) => {
    const { email, goal } = c.req.valid("json");
    if (!(await convert(deps.sql, email, goal))) throw new ApiError("not_found", "No subscriber with this address.");
    return c.json({ status: "converted" });
  });
}
