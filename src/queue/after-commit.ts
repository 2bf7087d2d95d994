import type { Logger } from "../logger.js";
import { QUEUE_HORIZON_MS } from "./horizon.js";
import type { ScheduledDelivery } from "../db/queries/deliveries.js";
import type { Queues } from "./queues.js";

/**
 * Adds the jobs of committed message rows (DESIGN.md invariant 2: the row first, the job derived).
 * Never throws: with the queue store down the rows wait in Postgres for the reconciler, which also
 * adds the jobs of rows due beyond the queue's horizon ("coming due", src/queue/horizon.ts).
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
