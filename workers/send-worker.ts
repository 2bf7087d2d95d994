import { DelayedError, UnrecoverableError, Worker, type Job } from "bullmq";
import { deliver, type DeliverDeps } from "../src/campaign/deliver.js";
import type { Queues } from "../src/queue/queues.js";
import { QUEUE_NAMES, sendJobSchema, type SendJob } from "../src/queue/jobs.js";

export interface SendWorkerOptions {
  concurrency: number;
  /** Provider requests per second across every worker process (BullMQ's limiter is global). */
  ratePerSecond: number | undefined;
}

/**
 * BullMQ's limiter counts whole jobs per duration; 0.5/s becomes 1 per 2 s, 2.5/s 5 per 2 s.
 * Rounding is always down: the configured rate is a ceiling, never exceeded.
 */
export function limiterFor(ratePerSecond: number): { max: number; duration: number } {
  if (ratePerSecond >= 1 && Number.isInteger(ratePerSecond)) return { max: ratePerSecond, duration: 1000 };
  if (ratePerSecond < 1) return { max: 1, duration: Math.ceil(1000 / ratePerSecond) };
  return { max: Math.max(1, Math.floor(ratePerSecond * 2)), duration: 2000 };
}

/**
 * The send worker: turns each delivery's outcome into the BullMQ action it needs.
 * Payloads are re-validated here: a job is data from a store, not a trusted call.
 */
export function startSendWorker(queues: Queues, deps: DeliverDeps, options: SendWorkerOptions): Worker<SendJob> {
  const processor = async (job: Job<SendJob>, token?: string) => {
    const payload = sendJobSchema.safeParse(job.data);
    if (!payload.success) throw new UnrecoverableError(`invalid send job payload: ${payload.error.message}`);
    const attempts = job.opts.attempts ?? 1;
    const outcome = await deliver(deps, payload.data.deliveryId, { finalAttempt: job.attemptsMade + 1 >= attempts });
    switch (outcome.kind) {
      case "sent":
      case "skipped":
        return outcome;
      case "later":
        // Not an attempt: the row is not due yet or another worker holds it.
        await job.moveToDelayed(Math.max(outcome.at.getTime(), Date.now() + 250), token);
        throw new DelayedError();
      case "rateLimited":
        // The provider said 429: stop every worker for as long as it asked (DESIGN.md inv. 5).
        await queues.send.rateLimit(outcome.retryAfterMs);
        throw Worker.RateLimitError();
      case "retry":
        throw new Error(outcome.message);
      case "failed":
        throw new UnrecoverableError(outcome.message);
    }
  };
  const worker = queues.createWorker<SendJob>(QUEUE_NAMES.send, processor, {
    concurrency: options.concurrency,
    ...(options.ratePerSecond ? { limiter: limiterFor(options.ratePerSecond) } : {}),
  });
  worker.on("failed", (job, error) => {
    if (job && !(error instanceof DelayedError)) {
      deps.logger.warn({ jobId: job.id, attemptsMade: job.attemptsMade, err: error.message }, "send attempt failed");
    }
  });
  worker.on("error", (error) => deps.logger.error({ err: error }, "send worker error"));
  return worker;
}
