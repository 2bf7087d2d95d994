import type postgres from "postgres";
import type { Logger } from "../logger.js";
import type { WebhookExpansion } from "./expansion.js";

/** The channel the triggers of drizzle/0007_webhook_event_batches.sql announce recorded events on. */
export const WEBHOOK_EVENTS_CHANNEL = "webhook_events";

/**
 * Webhook events are recorded by triggers in whatever transaction changed a subscriber, so the code
 * that committed does not know; the triggers NOTIFY, delivered only if that transaction commits
 * (docs/architecture.md "One webhook call"). Each (re)connect also catches up on what was missed.
 */
export async function listenForWebhookEvents(deps: {
  sql: postgres.Sql;
  logger: Logger;
  expansion: Pick<WebhookExpansion, "kick" | "offer">;
}): Promise<{ stop(): Promise<void> }> {
  const catchUp = async () => {
    deps.expansion.kick();
    try {
      await deps.expansion.offer("every endpoint");
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
