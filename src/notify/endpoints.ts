import type postgres from "postgres";
import type { Database } from "../db/client.js";
import type { Logger } from "../logger.js";
import * as queries from "../db/queries/webhook-endpoints.js";
import type { EndpointListItem } from "../db/queries/webhook-endpoints.js";
import { recordAdminAction, type Actor } from "../audit/audit.js";
import { enqueueAfterCommit } from "../queue/after-commit.js";
import type { Queues } from "../queue/queues.js";
import { SUBSCRIBABLE_EVENT_TYPES, type WebhookEventType } from "./event-types.js";
import { checkWebhookUrl, type Resolve } from "./public-address.js";
import { newWebhookSecret } from "./signing.js";
import type { SecretBox } from "./secret-box.js";

/**
 * What an admin does with outgoing webhook endpoints (issue 16), for the JSON API and page alike:
 * create (URL checked, secret made here and shown this once), delete, rotate the secret, enable,
 * test, send calls again. A refusal is a value the route makes its 4xx; the database decides races
 * (a disable committed before a test or replay wins: nothing is written). Changes go to the admin
 * audit (src/audit/audit.ts) with the endpoint's id and host, never its secret nor whole URL (a
 * Zapier or n8n hook URL is itself a capability, and logs travel further than the admin page).
 */
export interface EndpointDeps {
  sql: postgres.Sql;
  db: Database;
  queues: Pick<Queues, "enqueueDeliveries" | "repairDelivery">;
  logger: Logger;
  /** WEBHOOK_ALLOW_PRIVATE_URLS: plain http and private addresses are allowed. */
  allowPrivate: boolean;
  resolve: Resolve;
  /** Seals each secret before it is stored (src/notify/secret-box.ts). */
  secrets: SecretBox;
}

/** Why an action was refused; `field` names the input at fault. */
export type Refusal =
  | { refused: "invalid"; message: string; field: string }
  | { refused: "not_found"; message: string }
  | { refused: "conflict"; message: string };

export type Outcome<T> = { ok: T } | Refusal;

export const MAX_DESCRIPTION_LENGTH = 200;

export interface NewEndpoint {
  url: string;
  /** Omitted or null: every event type. */
  events?: string[] | null | undefined;
  description?: string | null | undefined;
}

type AuditedDeps = Pick<EndpointDeps, "db" | "logger">;

function audit(deps: AuditedDeps, who: Actor, action: string, detail: Record<string, unknown>): Promise<void> {
  return recordAdminAction(deps, { ...who, action: `webhook_endpoint.${action}`, detail });
}

const hostOf = (url: string) => URL.parse(url)?.host ?? "";

const notFound: Refusal = { refused: "not_found", message: "No such webhook endpoint." };
const DISABLED = "The endpoint is disabled: enable it first.";

export async function createEndpoint(deps: EndpointDeps, who: Actor, input: NewEndpoint): Promise<Outcome<EndpointListItem & { secret: string }>> {
  const url = input.url.trim();
  const check = await checkWebhookUrl(url, { allowPrivate: deps.allowPrivate, resolve: deps.resolve });
  if (!check.ok) return { refused: "invalid", field: "url", message: `url ${check.reason}` };

  let events: WebhookEventType[] | null = null;
  if (input.events !== undefined && input.events !== null) {
    if (input.events.length === 0) {
      return { refused: "invalid", field: "events", message: "events must name at least one event type (leave it out for all of them)" };
    }
    const unknown = input.events.filter((e) => !(SUBSCRIBABLE_EVENT_TYPES as string[]).includes(e));
    if (unknown.length > 0) {
      return {
        refused: "invalid",
        field: "events",
        message: `events has unknown types: ${unknown.slice(0, 5).join(", ")} (known: ${SUBSCRIBABLE_EVENT_TYPES.join(", ")})`,
      };
    }
    // Stored in the list's own order, once each: the page and the API show them the same way.
    events = SUBSCRIBABLE_EVENT_TYPES.filter((t) => input.events!.includes(t));
  }

  const description = input.description?.trim() || null;
  if (description !== null && description.length > MAX_DESCRIPTION_LENGTH) {
    return { refused: "invalid", field: "description", message: `description must be at most ${MAX_DESCRIPTION_LENGTH} characters` };
  }

  // Stored as the URL parser wrote it: what is shown is what is called.
  const secret = newWebhookSecret();
  const endpoint = await queries.insertEndpoint(deps.db, { url: check.url.href, description, events, secret: deps.secrets.seal(secret) });
  await audit(deps, who, "create", { endpointId: endpoint.id, host: hostOf(endpoint.url), events });
  return { ok: { ...endpoint, secret } };
}

export async function deleteEndpoint(deps: AuditedDeps, who: Actor, id: string): Promise<Outcome<true>> {
  const deleted = await queries.deleteEndpoint(deps.db, id);
  if (!deleted) return notFound;
  await audit(deps, who, "delete", { endpointId: id, host: hostOf(deleted.url) });
  return { ok: true };
}

/** A new secret, returned this once; the old one keeps signing for 24 hours. */
export async function rotateEndpointSecret(
  deps: AuditedDeps & Pick<EndpointDeps, "secrets">,
  who: Actor,
  id: string,
): Promise<Outcome<{ secret: string; previousSecretUntil: Date }>> {
  const secret = newWebhookSecret();
  const rotated = await queries.rotateSecret(deps.db, id, deps.secrets.seal(secret));
  if (!rotated) return notFound;
  await audit(deps, who, "rotate_secret", { endpointId: id, previousSecretUntil: rotated.previousSecretUntil.toISOString() });
  return { ok: { secret, ...rotated } };
}

export async function enableEndpoint(deps: AuditedDeps, who: Actor, id: string): Promise<Outcome<true>> {
  if (!(await queries.enableEndpoint(deps.db, id))) return notFound;
  await audit(deps, who, "enable", { endpointId: id });
  return { ok: true };
}

/** A `webhook.test` call to this endpoint; its job is added once the row is committed. */
export async function sendTestCall(deps: EndpointDeps, who: Actor, id: string): Promise<Outcome<{ deliveryId: number }>> {
  const row = await queries.insertTestCall(deps.sql, id);
  if (!row) return (await queries.findEndpoint(deps.db, id)) ? { refused: "conflict", message: DISABLED } : notFound;
  await enqueueAfterCommit(deps, [row]);
  await audit(deps, who, "test", { endpointId: id, deliveryId: row.id });
  return { ok: { deliveryId: row.id } };
}

/**
 * One call sent again, under the same `webhook-id` and body (receivers dedupe on it). Its old
 * job may still exist as an ended one, whose id would make a plain add a no-op: repairDelivery
 * removes that first. A queue store that is down is the reconciler's to make up for.
 */
async function requeue(deps: EndpointDeps, rows: queries.ReplayedCall[]): Promise<void> {
  for (const row of rows) {
    try {
      await deps.queues.repairDelivery(row);
    } catch (error) {
      deps.logger.warn({ deliveryId: row.id, err: error }, "replay enqueue failed; the reconciler will add the job");
    }
  }
}

export async function replayCall(deps: EndpointDeps, who: Actor, deliveryId: number): Promise<Outcome<{ deliveryId: number; endpointId: string }>> {
  const row = await queries.replayCall(deps.sql, deliveryId);
  if (!row) {
    const current = await queries.webhookCallState(deps.sql, deliveryId);
    if (!current) return { refused: "not_found", message: "No such webhook delivery." };
    if (current.endpointStatus !== "enabled") return { refused: "conflict", message: DISABLED };
    return { refused: "conflict", message: "This call is waiting to be sent already." };
  }
  await requeue(deps, [row]);
  await audit(deps, who, "replay", { endpointId: row.endpointId, deliveryId: row.id });
  return { ok: { deliveryId: row.id, endpointId: row.endpointId } };
}

/** Every failed or cancelled call of the endpoint created since `since`, sent again. */
export async function replayFailures(deps: EndpointDeps, who: Actor, endpointId: string, since: Date): Promise<Outcome<{ replayed: number }>> {
  const endpoint = await queries.findEndpoint(deps.db, endpointId);
  if (!endpoint) return notFound;
  if (endpoint.status !== "enabled") return { refused: "conflict", message: DISABLED };
  const rows = await queries.replayFailedCalls(deps.sql, endpointId, since);
  await requeue(deps, rows);
  await audit(deps, who, "replay_failures", { endpointId, since: since.toISOString(), replayed: rows.length });
  return { ok: { replayed: rows.length } };
}
