import type postgres from "postgres";
import type { Database } from "../db/client.js";
import type { Logger } from "../logger.js";
import { leave } from "../campaign/leave.js";
import { subscriberAddress } from "../db/queries/subscriber-actions.js";
import { eraseAddress, exportAddress, liftAddressSuppression } from "../data-rights/data-rights.js";
import { requestFreshGuideLink } from "../guide/fresh-link.js";
import type { Queues } from "../queue/queues.js";
import { recordAdminAction, type Actor } from "../audit/audit.js";

/**
 * An admin's dashboard actions on one subscriber, each calling the domain function that owns it
 * (leave(), invariant 4; data-rights: export, erase, lift; the guide's fresh-link email), audited.
 */
export interface SubscriberActionDeps {
  sql: postgres.Sql;
  db: Database;
  logger: Logger;
  queues: Pick<Queues, "enqueueDeliveries">;
}

export const ACTIONS = ["unsubscribe", "lift-suppression", "fresh-link", "erase"] as const;
export type SubscriberAction = (typeof ACTIONS)[number];

/** What the page says after each action, by outcome (the route redirects with ?done=ACTION&ok=0|1). */
export const ACTION_MESSAGES: Record<SubscriberAction, { ok: string; failed: string }> = {
  unsubscribe: { ok: "Unsubscribed: every future email is stopped.", failed: "Nothing changed." },
  "lift-suppression": {
    ok: "Suppression lifted: the address may sign up again (nothing is sent because of this).",
    failed: "There was no bounce, complaint or erasure suppression to lift.",
  },
  "fresh-link": {
    ok: "A fresh guide link is queued, if the subscriber is still subscribed and got none in the last hour.",
    failed: "Nothing was sent.",
  },
  erase: { ok: "Personal data erased. The anonymous counts remain.", failed: "Nothing was erased." },
};

/** One action: undefined for an unknown subscriber, else whether it changed (see ACTION_MESSAGES). */
export async function runSubscriberAction(
  deps: SubscriberActionDeps,
  who: Actor,
  subscriberId: string,
  action: SubscriberAction,
  options: { suppress?: boolean } = {},
): Promise<boolean | undefined> {
  const subscriber = await subscriberAddress(deps.db, subscriberId);
  if (!subscriber) return undefined;
  const suppress = options.suppress ?? false;
  let ok = false;
  // An erased subscriber's data is gone: nothing is left to act on but leaving.
  if (!subscriber.erased || action === "unsubscribe") {
    switch (action) {
      case "unsubscribe":
        await leave(deps.sql, subscriberId, "removed");
        ok = true;
        break;
      case "lift-suppression":
        ok = (await liftAddressSuppression(deps, subscriber.email)).lifted;
        break;
      case "fresh-link":
        await requestFreshGuideLink(deps, subscriber.email);
        ok = true;
        break;
      case "erase":
        ok = (await eraseAddress(deps, subscriber.email, { suppress })).erased;
        break;
    }
  }
  await recordAdminAction(deps, {
    ...who,
    action: `subscriber.${action}`,
    subscriberId,
    detail: { ok, ...(action === "erase" ? { suppress } : {}) },
  });
  return ok;
}

/** GDPR art. 15/20 export, as the data-rights API gives it; recorded in the audit. */
export async function exportSubscriber(deps: SubscriberActionDeps, who: Actor, subscriberId: string): Promise<Record<string, unknown> | undefined> {
  const subscriber = await subscriberAddress(deps.db, subscriberId);
  if (!subscriber) return undefined;
  const data = await exportAddress(deps, subscriber.email);
  await recordAdminAction(deps, { ...who, action: "subscriber.export", subscriberId, detail: { found: data !== undefined } });
  return data;
}
