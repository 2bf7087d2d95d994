import type postgres from "postgres";
import type { Logger } from "../logger.js";
import type { Queues } from "../queue/queues.js";
import {
  comingDueDeliveries,
  oldestDueDelivery,
  overdueDeliveries,
  pendingDeliveries,
  type ScheduledDelivery,
} from "../db/queries/deliveries.js";
import { QUEUE_HORIZON_MS } from "../queue/horizon.js";

/**
 * Postgres is the source of truth, the queue derived from it (DESIGN.md invariant 2): every message
 * is a `deliveries` row before it has a job, so one reconciler adds the jobs that should exist and
 * don't, each pass below saying which (docs/architecture.md "Signups, jobs and the reconciler"). A
 * job whose id exists is a no-op and the claim guards the send, so a pass never doubles an email.
 */
export interface ReconcileDeps {
  sql: postgres.Sql;
  queues: Pick<Queues, "enqueueDeliveries" | "storeIsIntact" | "markStoreIntact" | "repairDelivery">;
  logger: Logger;
  leaseSeconds: number;
  /** Re-plans the enrollments for a changed sequence until that has succeeded once (replan.ts). */
  planner?: { ensureApplied(): Promise<unknown> };
  /** Expands the webhook events recorded compactly (src/notify/expansion.ts): whatever a lost notification or a crash left waiting. */
  webhookEvents?: { kick(): void };
}

const PAGE = 1000;
/** A message this late has had every chance to be picked up by its own job. */
const OVERDUE_SECONDS = 120;
/** How long after its start a transaction may commit and still be seen by the next pass. */
const COMMIT_MARGIN_MS = 5_000;
/** A row still scheduled this long after it fell due may be waiting for a job that never came. */
const SETTLE_SECONDS = 3;

export class Reconciler {
  private lastPassStartedAt: Date | undefined;

  constructor(private readonly deps: ReconcileDeps) {}

  async run() {
    const startedAt = new Date();
    const { sql, queues, leaseSeconds } = this.deps;
    try {
      await this.deps.planner?.ensureApplied();
    } catch (error) {
      this.deps.logger.warn({ err: error }, "re-planning for the changed sequence failed; the next pass retries");
    }
    this.deps.webhookEvents?.kick();
    const full = !(await queues.storeIsIntact());
    const horizonEnd = new Date(startedAt.getTime() + QUEUE_HORIZON_MS);

    let enqueued = 0;
    if (full) {
      // The store lost its data: every pending message within the horizon gets its job again.
      enqueued = await this.enqueuePages((afterId) =>
        pendingDeliveries(sql, { afterId, limit: PAGE, dueBefore: horizonEnd, leaseSeconds }),
      );
      await queues.markStoreIntact();
    } else {
      // What entered the horizon since the last pass (its end then, less a margin for a transaction
      // spanning that pass); a process's first pass takes everything due before the horizon's end.
      const last = this.lastPassStartedAt;
      const comingFrom = last && new Date(last.getTime() + QUEUE_HORIZON_MS - COMMIT_MARGIN_MS);
      enqueued = await this.enqueuePages((afterId) =>
        comingDueDeliveries(sql, { afterId, limit: PAGE, from: comingFrom, to: horizonEnd }),
      );
      // Most due rows have no job (one per batch's worth of signups): after a failed enqueue the oldest
      // waiting gets one (a no-op if it has it); its batch takes the next and, if full, hands on.
      const stuck = await oldestDueDelivery(sql, { waitingSeconds: SETTLE_SECONDS });
      if (stuck) {
        await queues.enqueueDeliveries([stuck]);
        enqueued++;
      }
    }

    // Overdue rows and abandoned claims, on every pass.
    let repaired = 0;
    const overdue = await overdueDeliveries(sql, { graceSeconds: OVERDUE_SECONDS, leaseSeconds, limit: PAGE });
    await queues.enqueueDeliveries(overdue);
    // Adding is a no-op for an id whose job ended; the oldest few get a closer look.
    for (const d of overdue.slice(0, 20)) if (await queues.repairDelivery(d)) repaired++;

    this.lastPassStartedAt = startedAt;
    if (full || repaired > 0) this.deps.logger.info({ full, enqueued, repaired }, "reconciler repaired the queue");
    return { full, enqueued, repaired };
  }

  /** Adds the jobs of every page `read` returns (paged by id); returns how many were offered. */
  private async enqueuePages(read: (afterId: number) => Promise<ScheduledDelivery[]>): Promise<number> {
    let offered = 0;
    for (let afterId = 0; ; ) {
      const page = await read(afterId);
      if (page.length === 0) return offered;
      await this.deps.queues.enqueueDeliveries(page);
      offered += page.length;
      afterId = page[page.length - 1]!.id;
    }
  }
}
