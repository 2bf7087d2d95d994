import type postgres from "postgres";
import type { Logger } from "../logger.js";
import type { Queues } from "../queue/queues.js";
import { insertSignups, type NewSignup, type SignupBatchRow } from "../db/queries/signup.js";

/**
 * Group commit for signups. Under load, every request paying its own INSERT round trip, commit
 * (a WAL flush) and queue add is what limits throughput; here the requests that arrive while a
 * batch is being written join the next one, so N signups cost one statement, one commit and one
 * bulk enqueue. With no load a signup is written at once: batching never adds a wait, it only
 * collects what is already waiting. Each caller gets its answer as soon as its batch is
 * committed (DESIGN.md invariant 1), before the enqueue, which holds the batch's slot until done.
 */
export interface SignupBatcherOptions {
  /** Batches written at the same time (each holds one pool connection). */
  maxInFlight: number;
  maxBatch: number;
}

interface Pending {
  signup: NewSignup;
  resolve: (row: SignupBatchRow | undefined) => void;
  reject: (error: unknown) => void;
}

export class SignupBatcher {
  private waiting: Pending[] = [];
  private inFlight = 0;
  private scheduled = false;

  constructor(
    private readonly deps: { sql: postgres.Sql; queues: Pick<Queues, "enqueueDeliveries">; logger: Logger },
    private readonly options: SignupBatcherOptions = { maxInFlight: 4, maxBatch: 200 },
  ) {}

  /** Resolves once the signup is committed; its job is enqueued right after (or left to the reconciler). */
  submit(signup: NewSignup): Promise<SignupBatchRow | undefined> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ signup, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.inFlight >= this.options.maxInFlight || this.waiting.length === 0) return;
    this.scheduled = true;
    // Requests parsed in the same turn of the event loop go together.
    setImmediate(() => {
      this.scheduled = false;
      while (this.inFlight < this.options.maxInFlight && this.waiting.length > 0) {
        void this.flush(this.waiting.splice(0, this.options.maxBatch));
      }
    });
  }

  private async flush(batch: Pending[]): Promise<void> {
    this.inFlight++;
    try {
      let rows: SignupBatchRow[];
      try {
        rows = await this.insertWithRetry(batch.map((p) => p.signup));
      } catch (error) {
        for (const p of batch) p.reject(error);
        return;
      }
      // Committed: the callers may answer now (DESIGN.md invariant 1); the enqueue below only
      // decides how soon the welcome goes, and the reconciler covers it if it fails.
      const byEmail = new Map(rows.map((r) => [r.email, r]));
      for (const p of batch) {
        // One row per address: a second request for it in the same batch is a known address.
        const row = byEmail.get(p.signup.email);
        byEmail.delete(p.signup.email);
        p.resolve(row);
      }
      if (rows.length > 0) {
        try {
          await this.deps.queues.enqueueDeliveries(rows.map((r) => ({ id: r.deliveryId, dueAt: r.dueAt })));
        } catch (error) {
          this.deps.logger.warn({ deliveries: rows.length, err: error }, "enqueue after signup failed; the reconciler will send them");
        }
      }
    } finally {
      this.inFlight--;
      this.schedule();
    }
  }

  /** Sorted inserts cannot deadlock each other; a deadlock with other writers is retried once. */
  private async insertWithRetry(signups: NewSignup[]): Promise<SignupBatchRow[]> {
    try {
      return await insertSignups(this.deps.sql, signups);
    } catch (error) {
      if ((error as { code?: string }).code !== "40P01") throw error;
      return insertSignups(this.deps.sql, signups);
    }
  }
}
