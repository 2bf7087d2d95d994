import { Hono } from "hono";
import { z } from "zod";
import type postgres from "postgres";
import { signupSchema } from "../campaign/signup-input.js";
import { eraseAddress, exportAddress, liftAddressSuppression, type DataRightsDeps } from "../data-rights/data-rights.js";
import { countEmailEvents } from "../db/queries/email-events.js";
import { adminAuth, type GuessLimit } from "../http/admin-auth.js";
import { ApiError } from "../http/errors.js";
import { jsonBody } from "../http/request-body.js";
import { validate } from "../http/validate.js";

export interface DataRightsRouteDeps extends DataRightsDeps {
  sql: postgres.Sql;
  adminToken: string | undefined;
  /** Failed Bearer checks per client, the budget the admin login shares. */
  guesses: GuessLimit;
}

/** The same normalisation and checks as the signup form, so "Ana@Example.com " finds ana@example.com. */
const emailField = signupSchema.shape.email;
const eraseSchema = z.object({ email: emailField, suppress: z.boolean({ error: "must be true or false" }).optional() });
const liftSchema = z.object({ email: emailField });

/**
 * The admin's data-rights API, Bearer ADMIN_TOKEN only (each route: docs/http.md). The auth
 * middleware is attached per route: a sub-app's `use("*")` would guard the whole app.
 */
export function dataRightsRoutes(deps: DataRightsRouteDeps) {
  const auth = adminAuth({ token: deps.adminToken, guesses: deps.guesses });
  return new Hono()
    .get("/admin/api/subscribers/export", auth, validate("query", z.object({ email: emailField })), async (c) => {
      const data = await exportAddress(deps, c.req.valid("query").email);
      if (!data) throw new ApiError("not_found", "No subscriber with this address.");
      c.header("Content-Disposition", 'attachment; filename="subscriber-export.json"');
      c.header("Cache-Control", "no-store");
      return c.json(data);
    })
    .post("/admin/api/subscribers/erase", auth, jsonBody, validate("json", eraseSchema), async (c) => {
      const input = c.req.valid("json");
      return c.json(await eraseAddress(deps, input.email, { suppress: input.suppress ?? false }));
    })
    .post("/admin/api/subscribers/lift-suppression", auth, jsonBody, validate("json", liftSchema), async (c) => {
      return c.json(await liftAddressSuppression(deps, c.req.valid("json").email));
    })
    .get("/admin/api/webhook-events", auth, async (c) => c.json(await countEmailEvents(deps.db)));
}
