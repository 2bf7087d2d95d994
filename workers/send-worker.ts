import { DelayedError, UnrecoverableError, Worker, type Job } from "bullmq";
import { deliver, type DeliverDeps, type DeliveryOutcome } from "../src/campaign/deliver.js";
import { sendConfirmation, type ConfirmationSendDeps } from "../src/consent/send-confirmation.js";
import { sendGuideLinkEmail } from "../src/guide/fresh-link.js";
import type { Queues } from "../src/queue/queues.js";
import {
  confirmJobSchema,
  guideLinkJobSchema,
  QUEUE_NAMES,
  SEND_JOB_NAMES,
  sendJobSchema,
  type SendQueueJob,
} from "../src/queue/jobs.js";

export interface SendWorkerOptions {
  concurrency: number;
  /** Provider requests per second across every worker process (BullMQ's limiter is global). */
  ratePerSecond: number | undefined;
  /** Double opt-in confirmation emails travel the same queue, under the same rate limit. */
  confirmations: ConfirmationSendDeps;
}

/**
 * One request per slot, evenly spaced, with 2 % headroom: BullMQ's limiter counts jobs per fixed
 * window, so "2 per 1000 ms" can put 3 requests inside one second as a provider measures it (a
 * sliding window) — a 429 and a whole second lost. 2/s becomes one request every 510 ms.
 */
export function limiterFor(ratePerSecond: number): { max: number; duration: number } {
  return { max: 1, duration: Math.max(1, Math.ceil((1000 / ratePerSecond) * 1.02)) };
}

/**
 * The send worker: turns each delivery's outcome into the BullMQ action it needs.
 * Payloads are re-validated here: a job is data from a store, not a trusted call.
 */
export function startSendWorker(queues: Queues, deps: DeliverDeps, options: SendWorkerOptions): Worker<SendQueueJob> {
  const processor = async (job: Job<SendQueueJob>, token?: string) => {
    const attempts = job.opts.attempts ?? 1;
    const outcome = await sendOne(job, deps, options.confirmations, { finalAttempt: job.attemptsMade + 1 >= attempts });
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
  const worker = queues.createWorker<SendQueueJob>(QUEUE_NAMES.send, processor, {
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

/** A sequence delivery, a confirmation or a fresh guide link: each a claimed row sent under an idempotency key. */
async function sendOne(
  job: Job<SendQueueJob>,
  deps: DeliverDeps,
  confirmations: ConfirmationSendDeps,
  options: { finalAttempt: boolean },
): Promise<DeliveryOutcome> {
  if (job.name === SEND_JOB_NAMES.confirmation) {
    const payload = confirmJobSchema.safeParse(job.data);
    if (!payload.success) throw new UnrecoverableError(`invalid confirm job payload: ${payload.error.message}`);
    return sendConfirmation(confirmations, payload.data.confirmationId, options);
  }
  if (job.name === SEND_JOB_NAMES.guideLink) {
    // "Mail me a fresh link" (src/guide/fresh-link.ts): the delivery deps hold all it needs.
    const payload = guideLinkJobSchema.safeParse(job.data);
    if (!payload.success) throw new UnrecoverableError(`invalid guide-link job payload: ${payload.error.message}`);
    return sendGuideLinkEmail(deps, payload.data.guideLinkEmailId, options);
  }
  const payload = sendJobSchema.safeParse(job.data);
  if (!payload.success) throw new UnrecoverableError(`invalid send job payload: ${payload.error.message}`);
  return deliver(deps, payload.data.deliveryId, options);
}
