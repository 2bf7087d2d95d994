import { DelayedError, UnrecoverableError, Worker, type Job } from "bullmq";
import { sendMessage, type SendDeps } from "../src/outbound/send.js";
import type { SendOutcome } from "../src/outbound/outcome.js";
import type { Queues } from "../src/queue/queues.js";
import { QUEUE_NAMES, SEND_JOB_NAME, sendJobSchema, type SendJob } from "../src/queue/jobs.js";

export interface SendWorkerOptions {
  /** The emails' queue, or the outgoing webhook calls' (src/queue/jobs.ts `queueOfKind`). */
  queue?: typeof QUEUE_NAMES.send | typeof QUEUE_NAMES.webhooks;
  concurrency: number;
  /** Provider requests per second across every worker process (BullMQ's limiter is global). */
  ratePerSecond: number | undefined;
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
 * The send worker: turns each message's outcome (src/outbound/outcome.ts) into the BullMQ action
 * it needs — the same for every kind. Payloads are re-validated here: a job is data from a
 * store, not a trusted call. One runs on the emails' queue (with the provider's rate limit) and
 * one on the webhook calls' queue, so neither holds back the other.
 */
export function startSendWorker(queues: Queues, deps: SendDeps, options: SendWorkerOptions): Worker<SendJob> {
  const queueName = options.queue ?? QUEUE_NAMES.send;
  const processor = async (job: Job<SendJob>, token?: string) => {
    const attempts = job.opts.attempts ?? 1;
    const outcome = await sendOne(job, deps, { finalAttempt: job.attemptsMade + 1 >= attempts });
    switch (outcome.kind) {
      case "sent":
      case "skipped":
        return outcome;
      case "later":
        // Not an attempt: the row is not due yet or another worker holds it.
        return delayUntil(job, outcome.at, token);
      case "rateLimited":
        // The provider said 429: stop every worker for as long as it asked (DESIGN.md inv. 5).
        await (queueName === QUEUE_NAMES.webhooks ? queues.webhooks : queues.send).rateLimit(outcome.retryAfterMs);
        throw Worker.RateLimitError();
      case "retry":
        // A kind with its own schedule counted the attempt on its row and names the moment.
        if (outcome.at) return delayUntil(job, outcome.at, token);
        throw new Error(outcome.message);
      case "failed":
        throw new UnrecoverableError(outcome.message);
    }
  };
  const worker = queues.createWorker<SendJob>(queueName, processor, {
    concurrency: options.concurrency,
    ...(options.ratePerSecond ? { limiter: limiterFor(options.ratePerSecond) } : {}),
  });
  worker.on("failed", (job, error) => {
    if (job && !(error instanceof DelayedError)) {
      deps.logger.warn({ jobId: job.id, attemptsMade: job.attemptsMade, err: error.message }, "send attempt failed");
    }
  });
  worker.on("error", (error) => {
    // A job a batch removed while it ran (see "later" above) cannot be finished either; its row
    // is the batch's. Expected on the Postgres backend, so not an error worth an alert.
    if (isMissingJob(error)) deps.logger.debug({ err: error.message }, "send job removed by a batch while it ran");
    else deps.logger.error({ err: error }, "send worker error");
  });
  return worker;
}

/** Puts the job back until `at` (a job's own attempts are not spent). */
async function delayUntil(job: Job<SendJob>, at: Date, token: string | undefined): Promise<never> {
  try {
    await job.moveToDelayed(Math.max(at.getTime(), Date.now() + 250), token);
  } catch (error) {
    // The job is gone: a batch claimed its row and removed it (src/outbound/send.ts; the
    // Postgres backend removes a running job, Redis does not). The batch sends the row or,
    // if refused, re-enqueues it; thrown on, this error would fail the job's retry too.
    if (!isMissingJob(error)) throw error;
  }
  throw new DelayedError();
}

async function sendOne(job: Job<SendJob>, deps: SendDeps, options: { finalAttempt: boolean }): Promise<SendOutcome> {
  // Jobs queued before the one pipeline (names "confirm", "guide-link") name rows of tables that
  // are gone; their rows moved into deliveries with new ids, and the reconciler offers those.
  if (job.name !== SEND_JOB_NAME) return { kind: "skipped", reason: `a "${job.name}" job from before the one pipeline` };
  const payload = sendJobSchema.safeParse(job.data);
  if (!payload.success) throw new UnrecoverableError(`invalid send job payload: ${payload.error.message}`);
  return sendMessage(deps, payload.data.deliveryId, options);
}

/** BullMQ's "Missing key for job …" (ErrorCode.JobNotExist): the job was removed meanwhile. */
function isMissingJob(error: unknown): boolean {
  return error instanceof Error && error.message.startsWith("Missing key for job ");
}
