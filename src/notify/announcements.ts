import type postgres from "postgres";
import type { Logger } from "../logger.js";
import type { Queues } from "../queue/queues.js";
import { enqueueAfterCommit } from "../queue/after-commit.js";
import { untriedCalls } from "../db/queries/webhook-calls.js";
import type { WebhookExpansion } from "./expansion.js";

/** The channel the triggers of drizzle/0007_webhook_event_batches.sql announce recorded events on. */
export const WEBHOOK_EVENTS_CHANNEL = "webhook_events";

export interface AnnouncementDeps {
  sql: postgres.Sql;
  queues: Pick<Queues, "enqueueDeliveries">;
  logger: Logger;
  expansion: Pick<WebhookExpansion, "kick">;
}

/**
 * Webhook events are recorded by triggers, inside whatever transaction changed a subscriber — a
 * signup, an unsubscribe, a bounce — so the code that committed does not know one was. The
 * triggers NOTIFY, which Postgres delivers only when (and if) that transaction commits; this
 * listener, in each worker process, starts the expansion into calls within milliseconds.
 * Whenever it (re)connects it also enqueues the calls never tried and expands what waits (it may
 * have missed announcements while away); the reconciler kicks the expansion on every pass.
 */
export async function listenForWebhookEvents(deps: AnnouncementDeps): Promise<{ stop(): Promise<void> }> {
  const catchUp = async () => {
    deps.expansion.kick();
    try {
      const calls = await untriedCalls(deps.sql, 10_000);
      await enqueueAfterCommit(deps, calls.map((c) => ({ ...c, kind: "webhook" as const })));
    } catch (error) {
      deps.logger.warn({ err: error }, "webhook calls: catching up after (re)connecting failed; the reconciler will offer them");
    }
  };
  const listening = await deps.sql.listen(
    WEBHOOK_EVENTS_CHANNEL,
    () => deps.expansion.kick(),
    () => void catchUp(),
  );
  return { stop: () => listening.unlisten() };
}
