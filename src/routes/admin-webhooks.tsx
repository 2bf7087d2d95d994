/** @jsxImportSource hono/jsx */
import { Hono, type Context, type MiddlewareHandler } from "hono";
import { flashFrom, type Flash } from "../admin/views/layout.js";
import { EMPTY_FORM, WebhookDetailPage, WebhooksPage, type EndpointForm } from "../admin/views/webhooks.js";
import * as queries from "../db/queries/webhook-endpoints.js";
import { adminActor, type AdminEnv } from "../http/admin-auth.js";
import { adminPageHeaders as pageHeaders } from "../http/content-security.js";
import { ApiError } from "../http/errors.js";
import { bodyKind } from "../http/request-body.js";
import { validate } from "../http/validate.js";
import {
  createEndpoint,
  deleteEndpoint,
  enableEndpoint,
  replayCall,
  replayFailures,
  rotateEndpointSecret,
  sendTestCall,
  type Outcome,
} from "../notify/endpoints.js";
import { deliveriesQuerySchema, deliveryIdParam, endpointIdParam, refusalError, type WebhookAdminDeps } from "./webhook-endpoints-api.js";

/** What the pages say after each action (the redirect carries ?done=ACTION&ok=0|1, never free text). */
const DONE = {
  test: { ok: "A test call is on its way: it is at the top of the log below.", failed: "The endpoint is disabled: enable it first." },
  enable: { ok: "Enabled: new events go to it again. Replay what it missed below.", failed: "Nothing changed." },
  delete: { ok: "Endpoint deleted, with its delivery log.", failed: "Nothing was deleted." },
  replay: { ok: "The call is sent again, under the same webhook-id.", failed: "Not replayed: the endpoint is disabled (enable it first), or the call is still pending." },
  "replay-failures": { ok: "Failed and cancelled calls are sent again:", failed: "The endpoint is disabled: enable it first." },
} as const satisfies Record<string, { ok: string; failed: string }>;

/** The action's flash; a replay of failures says how many went again. */
function flash(c: Context): Flash | undefined {
  const said = flashFrom((name) => c.req.query(name), DONE);
  const count = c.req.query("n");
  if (said?.ok && c.req.query("done") === "replay-failures" && count && /^\d{1,9}$/.test(count)) said.message += ` ${count}.`;
  return said;
}

/**
 * The posted form, every value of each name (the events are checkboxes); empty when not a form or
 * unreadable (a multipart body without its boundary), so the checks refuse it with a 400, not a 500.
 */
async function formBody(c: Context): Promise<Record<string, unknown>> {
  if (bodyKind(c.req.header("content-type")) !== "form") return {};
  try {
    return await c.req.parseBody({ all: true });
  } catch {
    return {};
  }
}

/** A form's text field (the first value), or "" — and every value of a repeated one. */
const one = (v: unknown) => (typeof v === "string" ? v : Array.isArray(v) && typeof v[0] === "string" ? v[0] : "");
const all = (v: unknown) => (Array.isArray(v) ? v : v === undefined ? [] : [v]).filter((x): x is string => typeof x === "string");

/** `<input type="datetime-local">`'s value, read as UTC (the page says so). */
const LOCAL_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d{1,3})?)?$/;

/**
 * /admin/webhooks: the endpoints and the form that adds one; /admin/webhooks/:id: one endpoint's
 * delivery log. Session-cookie pages like the others (requireAdmin "page": every POST also passes
 * the same-origin check), calling the JSON API's domain functions. Creating an endpoint or rotating
 * a secret answers with the page, not a redirect: the secret is shown this once, never in a URL.
 */
export function adminWebhookPages(deps: WebhookAdminDeps & { clinicName: string }, auth: MiddlewareHandler<AdminEnv>) {
  const who = (c: Context<AdminEnv>) => adminActor(c, deps.trustProxy);
  const listPage = async (c: Context<AdminEnv>, props: Partial<Parameters<typeof WebhooksPage>[0]>, status: 200 | 201 | 400 = 200) =>
    c.html(
      <WebhooksPage
        endpoints={await queries.listEndpoints(deps.db)}
        waiting={await queries.waitingEvents(deps.db)}
        form={EMPTY_FORM}
        allowPrivate={deps.allowPrivate}
        clinicName={deps.clinicName}
        {...props}
      />,
      status,
    );
  /** Back to a page with the action's flash; a refusal other than "disabled" is the error it is. */
  const after = (c: Context, to: string, action: keyof typeof DONE, outcome: Outcome<unknown>, extra = "") => {
    if (!("ok" in outcome) && outcome.refused !== "conflict") throw refusalError(outcome);
    return c.redirect(`${to}?done=${action}&ok=${"ok" in outcome ? 1 : 0}${extra}`, 303);
  };

  return new Hono<AdminEnv>()
    .get("/admin/webhooks", auth, pageHeaders, (c) => listPage(c, { flash: flash(c) }))
    .post("/admin/webhooks", auth, pageHeaders, async (c) => {
      const body = await formBody(c);
      const form: EndpointForm = {
        url: one(body.url).slice(0, 4000),
        description: one(body.description).slice(0, 1000),
        scope: one(body.scope) === "some" ? "some" : "all",
        events: all(body.events).slice(0, 50),
      };
      const created = await createEndpoint(deps, who(c), {
        url: form.url,
        description: form.description,
        events: form.scope === "all" ? null : form.events,
      });
      if (!("ok" in created)) {
        if (created.refused !== "invalid") throw refusalError(created);
        return listPage(c, { form: { ...form, error: { field: created.field, message: created.message } } }, 400);
      }
      return listPage(c, { shown: { endpoint: created.ok, secret: created.ok.secret } }, 201);
    })
    .post("/admin/webhooks/:id/rotate-secret", auth, pageHeaders, async (c) => {
      const id = endpointIdParam(c);
      const rotated = await rotateEndpointSecret(deps, who(c), id);
      const endpoint = await queries.findEndpoint(deps.db, id);
      if (!("ok" in rotated) || !endpoint) throw new ApiError("not_found", "No such webhook endpoint.");
      return listPage(c, { shown: { endpoint, secret: rotated.ok.secret, previousSecretUntil: rotated.ok.previousSecretUntil } });
    })
    .post("/admin/webhooks/:id/test", auth, async (c) => {
      const id = endpointIdParam(c);
      return after(c, `/admin/webhooks/${id}`, "test", await sendTestCall(deps, who(c), id));
    })
    .post("/admin/webhooks/:id/enable", auth, async (c) => {
      const id = endpointIdParam(c);
      return after(c, `/admin/webhooks/${id}`, "enable", await enableEndpoint(deps, who(c), id));
    })
    .post("/admin/webhooks/:id/delete", auth, async (c) => {
      const id = endpointIdParam(c);
      const body = await formBody(c);
      if (one(body.confirm) !== "yes") throw new ApiError("invalid_input", "Tick the box that confirms the deletion.", "confirm");
      return after(c, "/admin/webhooks", "delete", await deleteEndpoint(deps, who(c), id));
    })
    .post("/admin/webhooks/:id/replay-failures", auth, async (c) => {
      const id = endpointIdParam(c);
      const since = one((await formBody(c)).since);
      const at = LOCAL_TIME.test(since) ? new Date(`${since}Z`) : undefined;
      if (!at || Number.isNaN(at.getTime())) throw new ApiError("invalid_input", "since must be a date and time (UTC).", "since");
      const outcome = await replayFailures(deps, who(c), id, at);
      return after(c, `/admin/webhooks/${id}`, "replay-failures", outcome, "ok" in outcome ? `&n=${outcome.ok.replayed}` : "");
    })
    .post("/admin/webhook-deliveries/:id/replay", auth, async (c) => {
      const deliveryId = deliveryIdParam(c);
      const outcome = await replayCall(deps, who(c), deliveryId);
      if ("ok" in outcome) return after(c, `/admin/webhooks/${outcome.ok.endpointId}`, "replay", outcome);
      // Refused: back to the endpoint's log, if the call is one we know.
      if (outcome.refused !== "conflict") throw refusalError(outcome);
      return c.redirect(`/admin/webhooks?done=replay&ok=0`, 303);
    })
    .get("/admin/webhooks/:id", auth, pageHeaders, validate("query", deliveriesQuerySchema), async (c) => {
      const endpoint = await queries.findEndpoint(deps.db, endpointIdParam(c));
      if (!endpoint) throw new ApiError("not_found", "No such webhook endpoint.");
      const { eventType, outcome, before, limit } = c.req.valid("query");
      const page = await queries.deliveryLogPage(deps.db, endpoint.id, { eventType, outcome, before, limit });
      const sinceDefault = new Date(Date.now() - 24 * 3600_000).toISOString().slice(0, 16);
      return c.html(
        <WebhookDetailPage
          endpoint={endpoint}
          deliveries={page}
          filter={{ eventType, outcome }}
          next={page.length === limit ? page.at(-1)!.id : undefined}
          sinceDefault={sinceDefault}
          flash={flash(c)}
          clinicName={deps.clinicName}
        />,
      );
    });
}
