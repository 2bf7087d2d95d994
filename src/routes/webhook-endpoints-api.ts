import { Hono, type Context, type MiddlewareHandler } from "hono";
import { z } from "zod";
import * as queries from "../db/queries/webhook-endpoints.js";
import { OUTCOME_STATES, outcomeOf, type DeliveryOutcome, type LoggedDelivery } from "../db/queries/webhook-endpoints.js";
import { adminActor, type AdminEnv } from "../http/admin-auth.js";
import { ApiError } from "../http/errors.js";
import { jsonBody } from "../http/request-body.js";
import { ROW_ID, rowIdParam, uuidParam, validate } from "../http/validate.js";
import {
  createEndpoint,
  deleteEndpoint,
  enableEndpoint,
  replayCall,
  replayFailures,
  rotateEndpointSecret,
  sendTestCall,
  type EndpointDeps,
  type Outcome,
  type Refusal,
} from "../notify/endpoints.js";
import { isWebhookEventType } from "../notify/event-types.js";

export interface WebhookAdminDeps extends EndpointDeps {
  trustProxy: boolean;
}

export const endpointIdParam = (c: Context) => uuidParam(c, "No such webhook endpoint.");
export const deliveryIdParam = (c: Context) => rowIdParam(c, "No such webhook delivery.");

export function refusalError(refusal: Refusal): ApiError {
  if (refusal.refused === "invalid") return new ApiError("invalid_input", refusal.message, refusal.field);
  return new ApiError(refusal.refused, refusal.message);
}

/** The value of an outcome, or its refusal thrown as the one error type. */
function orThrow<T>(outcome: Outcome<T>): T {
  if ("ok" in outcome) return outcome.ok;
  throw refusalError(outcome);
}

const createSchema = z.object({
  url: z.string({ error: "must be a string" }),
  events: z.array(z.string({ error: "must be event type names" }), { error: "must be a list of event types" }).max(50).nullish(),
  description: z.string({ error: "must be a string" }).nullish(),
});

const PAGE_SIZE = 50;
const OUTCOMES = Object.keys(OUTCOME_STATES) as [DeliveryOutcome, ...DeliveryOutcome[]];

export const deliveriesQuerySchema = z.object({
  eventType: z
    .string()
    .optional()
    .transform((v) => v || undefined)
    .refine((v) => v === undefined || isWebhookEventType(v), { error: "must be one of the webhook event types" }),
  outcome: z.preprocess((v) => v || undefined, z.enum(OUTCOMES, { error: `must be one of ${OUTCOMES.join(", ")}` }).optional()),
  before: z
    .string()
    .regex(ROW_ID, { error: "must be a delivery id" })
    .transform(Number)
    .optional(),
  limit: z.coerce.number({ error: "must be a number" }).int().min(1).max(100).default(PAGE_SIZE),
});

const replayFailuresSchema = z.object({
  since: z.iso.datetime({ offset: true, error: "must be an ISO 8601 time with its zone (2026-05-01T00:00:00Z)" }),
});

function deliveryJson(d: LoggedDelivery) {
  return {
    id: d.id,
    eventType: d.eventType,
    messageId: d.messageId,
    outcome: outcomeOf(d.state),
    state: d.state,
    createdAt: d.createdAt,
    dueAt: d.dueAt,
    sentAt: d.sentAt,
    lastError: d.lastError,
    attempts: d.log,
  };
}

/**
 * The outgoing webhooks' admin API, /admin/api/webhook-endpoints and /admin/api/webhook-deliveries
 * (issue 16; routes in docs/http.md), behind /admin/api/stats's check (`auth`: Bearer ADMIN_TOKEN,
 * or the dashboard's session with its same-origin check on POSTs).
 */
export function webhookEndpointsApi(deps: WebhookAdminDeps, auth: MiddlewareHandler<AdminEnv>) {
  const who = (c: Context<AdminEnv>) => adminActor(c, deps.trustProxy);
  const noStore: MiddlewareHandler = async (c, next) => {
    await next();
    c.header("Cache-Control", "no-store");
  };
  return new Hono<AdminEnv>()
    .post("/admin/api/webhook-endpoints", auth, noStore, jsonBody, validate("json", createSchema), async (c) => {
      const { id, url, description, events, status, secret } = orThrow(await createEndpoint(deps, who(c), c.req.valid("json")));
      return c.json({ id, url, description, events, status, secret }, 201);
    })
    .get("/admin/api/webhook-endpoints", auth, noStore, async (c) => c.json({ endpoints: await queries.listEndpoints(deps.db) }))
    .delete("/admin/api/webhook-endpoints/:id", auth, async (c) => {
      orThrow(await deleteEndpoint(deps, who(c), endpointIdParam(c)));
      return c.body(null, 204);
    })
    .post("/admin/api/webhook-endpoints/:id/rotate-secret", auth, noStore, async (c) => {
      const { secret, previousSecretUntil } = orThrow(await rotateEndpointSecret(deps, who(c), endpointIdParam(c)));
      return c.json({ secret, previousSecretUntil });
    })
    .post("/admin/api/webhook-endpoints/:id/enable", auth, async (c) => {
      orThrow(await enableEndpoint(deps, who(c), endpointIdParam(c)));
      return c.json({ status: "enabled" });
    })
    .post("/admin/api/webhook-endpoints/:id/test", auth, async (c) => {
      return c.json(orThrow(await sendTestCall(deps, who(c), endpointIdParam(c))), 202);
    })
    .get("/admin/api/webhook-endpoints/:id/deliveries", auth, noStore, validate("query", deliveriesQuerySchema), async (c) => {
      const id = endpointIdParam(c);
      if (!(await queries.findEndpoint(deps.db, id))) throw new ApiError("not_found", "No such webhook endpoint.");
      const filter = c.req.valid("query");
      const page = await queries.deliveryLogPage(deps.db, id, filter);
      return c.json({ deliveries: page.map(deliveryJson), next: page.length === filter.limit ? page.at(-1)!.id : null });
    })
    .post("/admin/api/webhook-deliveries/:id/replay", auth, async (c) => {
      return c.json(orThrow(await replayCall(deps, who(c), deliveryIdParam(c))), 202);
    })
    .post("/admin/api/webhook-endpoints/:id/replay-failures", auth, jsonBody, validate("json", replayFailuresSchema), async (c) => {
      const id = endpointIdParam(c);
      return c.json(orThrow(await replayFailures(deps, who(c), id, new Date(c.req.valid("json").since))), 202);
    });
}
