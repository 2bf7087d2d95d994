import { insertSignups, type NewSignup, type SignupBatchRow } from "../db/queries/signup.js";
import type { CampaignDeps } from "./advance.js";

/**
 * Group commit for signups (docs/architecture.md "Signups, jobs and the reconciler"): requests
 * that arrive while a batch is written join the next one; with no load a signup is written at
 * once. Each caller is answered once its batch is committed (DESIGN.md invariant 1), before the enqueue.
 */
export interface SignupBatcherOptions {
  /** Batches written at the same time (each holds one pool connection). */
  maxInFlight: number;
  maxBatch: number;
  /**
   * Signups waiting for a batch slot at most (issue 28: unbounded, a rush the database could not
   * keep up with grew memory without end). Past it, SignupBacklogFull: a 503 with Retry-After.
   */
  maxWaiting: number;
  /**
   * One send job per this many new welcomes (the provider's batch size): the job's batch takes
   * the due rows around it, and a full batch enqueues the oldest row left (src/outbound/send.ts).
   * A job per row cost a queue add here and a removal in the worker for every reader.
   */
  rowsPerJob: number;
}

interface Pending {
  signup: NewSignup;
  resolve: (row: SignupBatchRow | undefined) => void;
  reject: (error: unknown) => void;
}

/** The wait queue is full: the caller should come back in `retryAfterSeconds`. */
export class SignupBacklogFull extends Error {
  override name = "SignupBacklogFull";
  readonly retryAfterSeconds = 1;
  constructor() {
    super("too many signups are waiting to be written");
  }
}

export class SignupBatcher {
  private waiting: Pending[] = [];
  /** Committed rows whose jobs wait for the add in flight to finish (enqueueJobs). */
  private unqueued: SignupBatchRow[] = [];
  private nextAdd: Promise<void> | undefined;
  private lastAdd: Promise<unknown> = Promise.resolve();
  private inFlight = 0;
  private scheduled = false;

  constructor(
    private readonly deps: Pick<CampaignDeps, "sql" | "queues" | "logger">,
    private readonly options: SignupBatcherOptions = { maxInFlight: 4, maxBatch: 200, maxWaiting: 2000, rowsPerJob: 1 },
  ) {}

  /** Signups waiting for a batch slot now (not those being written). */
  get backlog(): number {
    return this.waiting.length;
  }

  /**
   * Resolves once the signup is committed; its job is enqueued after the callers have answered
   * (or left to the reconciler). Rejects with SignupBacklogFull when `maxWaiting` are waiting.
   */
  submit(signup: NewSignup): Promise<SignupBatchRow | undefined> {
    if (this.waiting.length >= this.options.maxWaiting) return Promise.reject(new SignupBacklogFull());
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
      // Committed: answer now (DESIGN.md invariant 1); the enqueue below only hastens the welcome.
      const byEmail = new Map(rows.map((r) => [r.email, r]));
      for (const p of batch) {
        // One row per address (welcome or confirmation): a second in the same batch is a known one.
        const row = byEmail.get(p.signup.email);
        byEmail.delete(p.signup.email);
        p.resolve(row);
      }
      if (rows.length > 0) {
        // Not before the answers: the 202s run as microtasks, this waits for the next turn. Every
        // address has a row here (a known one's cancelled confirmation too), so every signup costs
        // the same enqueue (issue 30; docs/security.md "Signup costs the same for a known and a new address").
        await new Promise((next) => setImmediate(next));
        try {
          await this.enqueueJobs(rows);
        } catch (error) {
          this.deps.logger.warn({ deliveries: rows.length, err: error }, "enqueue after signup failed; the reconciler will send them");
        }
      }
    } finally {
      this.inFlight--;
      this.schedule();
    }
  }

  /**
   * Adds committed rows' send jobs, one add at a time: rows committed meanwhile go together in the
   * next, so a rush costs a few adds (each a queue-store round trip, on Postgres a transaction), not
   * one per group commit. Resolves once the add carrying these rows is done.
   */
  private enqueueJobs(rows: SignupBatchRow[]): Promise<void> {
    this.unqueued.push(...rows);
    if (!this.nextAdd) {
      const add = this.lastAdd.then(() => {
        const carried = this.unqueued;
        this.unqueued = [];
        this.nextAdd = undefined;
        return this.deps.queues.enqueueDeliveries(jobsFor(carried, this.options.rowsPerJob));
      });
      this.nextAdd = add;
      this.lastAdd = add.catch(() => undefined);
    }
    return this.nextAdd;
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

/**
 * One job per `rowsPerJob` welcomes, for the first of each run of them in id order (the job's
 * batch takes the rest); a confirmation is never batched, so each has its own job.
 */
function jobsFor(rows: SignupBatchRow[], rowsPerJob: number): { id: number; dueAt: Date }[] {
  const job = (r: SignupBatchRow) => ({ id: r.deliveryId, dueAt: r.dueAt });
  const welcomes = rows.filter((r) => r.kind === "step").sort((a, b) => a.deliveryId - b.deliveryId);
  return [...welcomes.filter((_, i) => i % rowsPerJob === 0).map(job), ...rows.filter((r) => r.kind !== "step").map(job)];
}
