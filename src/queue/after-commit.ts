import type { Logger } from "../logger.js";
import { QUEUE_HORIZON_MS } from "./horizon.js";
import type { ScheduledDelivery } from "../db/queries/deliveries.js";
import type { Queues } from "./queues.js";

/**
 * Adds the jobs of message rows that are already committed (DESIGN.md invariant 2: the row
 * first, the job derived from it). Never throws: if the queue store is down the rows wait in
 * Postgres and the reconciler adds their jobs. Rows due beyond the queue's horizon get theirs
 * from the reconciler's "coming due" pass (src/queue/horizon.ts).
 */
export async function enqueueAfterCommit(
  deps: { queues: Pick<Queues, "enqueueDeliveries">; logger: Logger },
  rows: ScheduledDelivery[],
): Promise<void> {
  const now = rows.filter((d) => d.dueAt.getTime() < Date.now() + QUEUE_HORIZON_MS);
  if (now.length === 0) return;
  try {
    await deps.queues.enqueueDeliveries(now);
  } catch (error) {
    deps.logger.warn({ deliveries: now.length, err: error }, "enqueue after commit failed; the reconciler will add the jobs");
  }
}
