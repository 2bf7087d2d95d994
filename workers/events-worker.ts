import { UnrecoverableError, type Job, type Worker } from "bullmq";
import type { Logger } from "../src/logger.js";
import { processEvent, type ProcessDeps } from "../src/feedback/process.js";
import type { Queues } from "../src/queue/queues.js";
import { eventJobSchema, QUEUE_NAMES, type EventJob } from "../src/queue/jobs.js";

/**
 * Processes stored webhook events: match to our email, act on hard bounces and complaints.
 * A "retry" (no email with that message id yet) is BullMQ's backoff; on the last attempt the
 * processor keeps the event as unmatched instead of failing it.
 */
export function startEventsWorker(queues: Queues, deps: ProcessDeps, logger: Logger): Worker<EventJob> {
  const worker = queues.createWorker<EventJob>(
    QUEUE_NAMES.events,
    async (job: Job<EventJob>) => {
      const payload = eventJobSchema.safeParse(job.data);
      if (!payload.success) throw new UnrecoverableError(`invalid event job payload: ${payload.error.message}`);
      const finalAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      const outcome = await processEvent(deps, payload.data.eventId, { finalAttempt });
      if (outcome.kind === "retry") throw new Error(outcome.message);
      return outcome;
    },
    { concurrency: 4 },
  );
  worker.on("error", (error) => logger.error({ err: error }, "events worker error"));
  worker.on("failed", (job, error) => logger.debug({ jobId: job?.id, err: error.message }, "event attempt failed"));
  return worker;
}
