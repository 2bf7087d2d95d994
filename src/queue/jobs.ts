import type { JobsOptions } from "bullmq";
import { z } from "zod";

/** Queue names and job payloads: the one place producers and workers agree on. */
export const QUEUE_NAMES = { send: "send", maintenance: "maintenance" } as const;

export const sendJobSchema = z.object({ deliveryId: z.number().int().positive() });
export type SendJob = z.infer<typeof sendJobSchema>;

export const MAINTENANCE_JOBS = { reconcile: "reconcile" } as const;

/**
 * Deterministic job ids make a second add of the same delivery a no-op while the first job is
 * still known to the queue. BullMQ 6 rejects ids that contain ":" or are all digits.
 */
export function deliveryJobId(deliveryId: number): string {
  return `delivery-${deliveryId}`;
}

export const SEND_ATTEMPTS = 10;

export const SEND_JOB_OPTIONS: JobsOptions = {
  attempts: SEND_ATTEMPTS,
  // 1 s, 2 s, 4 s … ≈ 17 min in all before a delivery is marked failed.
  backoff: { type: "exponential", delay: 1000 },
  // A finished job's id is free again; Postgres, not the retained job, guards against a resend.
  removeOnComplete: true,
  removeOnFail: { age: 7 * 24 * 3600, count: 10_000 },
};
