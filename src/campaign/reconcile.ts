import type postgres from "postgres";
import type { Logger } from "../logger.js";
import type { Queues } from "../queue/queues.js";
import { overdueDeliveries, pendingDeliveries } from "../db/queries/deliveries.js";

/**
 * Postgres is the source of truth, the queue is derived from it (DESIGN.md invariant 2).
 * The reconciler re-creates the jobs that should exist and don't:
 *  - after the queue store lost its data (marker gone): every pending delivery, due or future;
 *  - otherwise the deliveries created since the last pass and due soon (an enqueue that failed
 *    or a process that died between commit and enqueue) and abandoned claims;
 *  - and overdue deliveries (and claims abandoned past the lease), whose job may have been lost
 *    or ended without sending: those whose job ended get a fresh one.
 * Adding a job whose id exists is a no-op, and the claim in Postgres guards the send itself,
 * so a pass can never double an email.
 */
export interface ReconcileDeps {
  sql: postgres.Sql;
  queues: Pick<Queues, "enqueueDeliveries" | "storeIsIntact" | "markStoreIntact" | "repairDelivery">;
  logger: Logger;
  leaseSeconds: number;
  /** Re-plans the enrollments for a changed sequence until that has succeeded once (replan.ts). */
  planner?: { ensureApplied(): Promise<unknown> };
}

export interface ReconcileReport {
  full: boolean;
  enqueued: number;
  repaired: number;
}

const PAGE = 1000;
/** A delivery this late has had every chance to be picked up by its own job. */
const OVERDUE_SECONDS = 120;
/** How long after its start a transaction may commit and still be seen by the next pass. */
const COMMIT_MARGIN_MS = 5_000;
/** New rows due within this are checked at once; later ones when overdue. */
const SOON_MS = 10 * 60_000;

export class Reconciler {
  private lastPassStartedAt: Date | undefined;

  constructor(private readonly deps: ReconcileDeps) {}

  async run(): Promise<ReconcileReport> {
    const startedAt = new Date();
    const { sql, queues, leaseSeconds } = this.deps;
    try {
      await this.deps.planner?.ensureApplied();
    } catch (error) {
      this.deps.logger.warn({ err: error }, "re-planning for the changed sequence failed; the next pass retries");
    }
    const full = !(await queues.storeIsIntact());
    // A fresh process does not know when the last pass ran: look back generously. Otherwise
    // since the last pass, less a margin for a transaction that started before it and committed
    // after it (ours take milliseconds; a slower one is left to the overdue pass below). The
    // margin is kept short because every row in the window is offered to the queue again: a
    // no-op for a row that has its job, but at 3,000 signups/s a one-minute margin meant ~13
    // such adds per delivery, the largest share of the queue store's work.
    const lookBackFrom = this.lastPassStartedAt ?? new Date(startedAt.getTime() - 10 * 60_000);
    const createdSince = full ? undefined : new Date(lookBackFrom.getTime() - COMMIT_MARGIN_MS);
    // Rows due later (the next drip step, days away) are left to the overdue pass: should their
    // enqueue have failed, they go out OVERDUE_SECONDS late instead of costing an add every pass.
    const dueBefore = full ? undefined : new Date(startedAt.getTime() + SOON_MS);

    let enqueued = 0;
    for (let afterId = 0; ; ) {
      const page = await pendingDeliveries(sql, { afterId, limit: PAGE, createdSince, dueBefore, leaseSeconds });
      if (page.length === 0) break;
      await queues.enqueueDeliveries(page);
      enqueued += page.length;
      afterId = page[page.length - 1]!.id;
    }
    if (full) await queues.markStoreIntact();

    let repaired = 0;
    const overdue = await overdueDeliveries(sql, { graceSeconds: OVERDUE_SECONDS, leaseSeconds, limit: PAGE });
    await queues.enqueueDeliveries(overdue);
    // Adding is a no-op for an id whose job ended; the oldest few get a closer look.
    for (const d of overdue.slice(0, 20)) if (await queues.repairDelivery(d)) repaired++;

    this.lastPassStartedAt = startedAt;
    if (full || repaired > 0) this.deps.logger.info({ full, enqueued, repaired }, "reconciler repaired the queue");
    return { full, enqueued, repaired };
  }
}
