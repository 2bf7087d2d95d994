import type postgres from "postgres";
import type { Logger } from "../logger.js";
import type { Queues } from "../queue/queues.js";
import { enqueueAfterCommit } from "../queue/after-commit.js";
import { expandWebhookEvents } from "../db/queries/webhook-calls.js";
import { callHeads } from "../db/queries/deliveries.js";

export interface ExpansionDeps {
  sql: postgres.Sql;
  queues: Pick<Queues, "enqueueDeliveries">;
  logger: Logger;
  /**
   * Jobs per endpoint: its share of calls in flight (src/deps.ts). Each job goes on along the
   * endpoint's due calls (src/outbound/send.ts `followLine`), so the rest need none.
   */
  jobsPerEndpoint: number;
}

/** Events expanded in one transaction. */
const CHUNK = 500;
/**
 * More events are expanded while the least busy endpoint has fewer calls than this due: a few
 * seconds of its share (src/deps.ts), so it never runs dry while a burst's events stay compact.
 */
const LOW_WATER = 250;
/** How soon a paused expansion looks again. */
const RECHECK_MS = 250;

/**
 * Turns the events the triggers recorded compactly (migration 0007) into events and calls at the
 * endpoints' pace, and enqueues the calls once that has committed (docs/architecture.md "One
 * webhook call"). Any number of worker processes may run one (the rows are taken with skip
 * locked); the reconciler kicks it on every pass, for whatever a lost notification left behind.
 */
export class WebhookExpansion {
  /** The expansion under way, if any. */
  private running: Promise<void> | undefined;
  private again = false;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(private readonly deps: ExpansionDeps) {}

  /** Something may have been recorded: expand what waits, now or right after the current run. */
  kick(): void {
    // Paused (endpoints busy): the timer looks again soon, sparing the database each signup's ask.
    if (this.stopped || this.timer) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.drain()
      .catch((error: unknown) => this.deps.logger.warn({ err: error }, "expanding webhook events failed; the reconciler tries again"))
      .finally(() => {
        this.running = undefined;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  /** Gives a job to the first due calls of each endpoint `calls` go to (or of every endpoint). */
  async offer(calls: number[] | "every endpoint"): Promise<void> {
    await enqueueAfterCommit(this.deps, await callHeads(this.deps.sql, calls, this.deps.jobsPerEndpoint));
  }

  /** Expands no more; resolves once the expansion under way has enqueued its calls. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private async drain(): Promise<void> {
    while (!this.stopped) {
      const { taken, calls, paused } = await expandWebhookEvents(this.deps.sql, CHUNK, LOW_WATER);
      await this.offer(calls);
      if (paused) return this.lookAgainSoon();
      // Less than a chunk: nothing else waits (or another worker holds it, and expands it).
      if (taken < CHUNK) return;
    }
  }

  private lookAgainSoon(): void {
    if (this.timer || this.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.kick();
    }, RECHECK_MS);
    this.timer.unref();
  }
}
