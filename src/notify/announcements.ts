import type postgres from "postgres";
import type { Logger } from "../logger.js";
import type { Queues } from "../queue/queues.js";
import { enqueueAfterCommit } from "../queue/after-commit.js";
import { untriedCalls } from "../db/queries/webhook-calls.js";

/** The channel the triggers (drizzle/0010_one_kind.sql `webhook_batch`) announce new calls on. */
export const WEBHOOK_CALLS_CHANNEL = "webhook_calls";

export interface AnnouncementDeps {
  sql: postgres.Sql;
  queues: Pick<Queues, "enqueueDeliveries">;
  logger: Logger;
}

/**
 * Webhook events and their calls are recorded by triggers, inside whatever transaction changed a
 * subscriber — a signup, an unsubscribe, a bounce — so the code that committed does not know one
 * was. The triggers NOTIFY the calls' ids, which Postgres delivers only when (and if) that
 * transaction commits; this listener, in each worker process, gives them their jobs within
 * milliseconds (adding a job twice is a no-op). Whenever it (re)connects it also enqueues the
 * calls never tried: it may have missed announcements while away.
 */
export async function listenForWebhookCalls(deps: AnnouncementDeps): Promise<{ stop(): Promise<void> }> {
  const enqueue = (calls: { id: number; dueAt: Date }[]) => enqueueAfterCommit(deps, calls.map((c) => ({ ...c, kind: "webhook" as const })));
  const listening = await deps.sql.listen(
    WEBHOOK_CALLS_CHANNEL,
    (payload) => {
      const now = new Date();
      void enqueue(payload.split(",").filter(Boolean).map((id) => ({ id: Number(id), dueAt: now })));
    },
    () => void untriedCalls(deps.sql, 10_000).then(enqueue, (error: unknown) => deps.logger.warn({ err: error }, "webhook calls: catching up failed")),
  );
  return {
    async stop() {
      await listening.unlisten();
    },
  };
}
