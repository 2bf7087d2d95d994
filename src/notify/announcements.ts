import type postgres from "postgres";
import type { Logger } from "../logger.js";
import type { Queues } from "../queue/queues.js";
import { enqueueAfterCommit } from "../queue/after-commit.js";
import { untriedWebhookCalls } from "../db/queries/webhook-calls.js";

/** The channel the triggers of drizzle/0006_outgoing_webhooks.sql announce new calls on. */
export const WEBHOOK_CALLS_CHANNEL = "webhook_calls";

export interface AnnouncementDeps {
  sql: postgres.Sql;
  queues: Pick<Queues, "enqueueDeliveries">;
  logger: Logger;
}

/**
 * Webhook events are written by triggers, inside whatever transaction changed a subscriber — a
 * signup, an unsubscribe, a bounce — so the code that committed does not know a call was
 * created. The triggers announce the new calls' ids with NOTIFY, which Postgres delivers only
 * when (and if) that transaction commits; this listener, in each worker process, adds their jobs
 * within milliseconds. Whenever it (re)connects it also enqueues every call never tried (any
 * announced while it was away); the reconciler re-offers anything else, like every message.
 */
export async function listenForWebhookCalls(deps: AnnouncementDeps): Promise<{ stop(): Promise<void> }> {
  const enqueue = (ids: number[]) =>
    enqueueAfterCommit(
      deps,
      ids.map((id) => ({ id, dueAt: new Date(), kind: "webhook" as const })),
    );
  const catchUp = async () => {
    try {
      await enqueueAfterCommit(deps, await untriedWebhookCalls(deps.sql, 10_000));
    } catch (error) {
      deps.logger.warn({ err: error }, "webhook calls: catching up after (re)connecting failed; the reconciler will offer them");
    }
  };
  const listening = await deps.sql.listen(
    WEBHOOK_CALLS_CHANNEL,
    (payload) => {
      const ids = payload
        .split(",")
        .map(Number)
        .filter((id) => Number.isSafeInteger(id) && id > 0);
      void enqueue(ids);
    },
    () => void catchUp(),
  );
  return {
    async stop() {
      await listening.unlisten();
    },
  };
}
