import type { JobsOptions } from "bullmq";
import { z } from "zod";
import { MESSAGE_CHANNELS, type MessageKind } from "../db/schema/deliveries.js";

/** Queue names and job payloads: the one place producers and workers agree on. */
export const QUEUE_NAMES = { send: "send", webhooks: "webhooks", maintenance: "maintenance", events: "events" } as const;

/**
 * The send queue carries every email of every kind, so all share the provider's rate limit
 * (invariant 5); the webhooks queue the calls, on workers of their own, so a slow CRM never holds
 * back an email. Both carry one job naming its row; the row says what it is (src/outbound/send.ts).
 */
export const SEND_JOB_NAME = "send";
export const sendJobSchema = z.object({ deliveryId: z.number().int().positive() });
export type SendJob = z.infer<typeof sendJobSchema>;

/** Which queue a message's job goes to: its channel's (src/db/schema/deliveries.ts `MESSAGE_CHANNELS`). */
export function queueOfKind(kind: MessageKind | undefined): typeof QUEUE_NAMES.send | typeof QUEUE_NAMES.webhooks {
  return kind && MESSAGE_CHANNELS[kind] === "call" ? QUEUE_NAMES.webhooks : QUEUE_NAMES.send;
}

/** What each one does: workers/maintenance-tasks.ts. */
export const MAINTENANCE_JOBS = {
  reconcile: "reconcile",
  eventsUpkeep: "events-upkeep",
  purgePending: "purge-pending",
  webhookLog: "webhook-log",
  settleLinkVisits: "settle-link-visits",
  engagementRetention: "engagement-retention",
  auditRetention: "audit-retention",
} as const;

/** A stored webhook event to process (the row in email_events). */
export const eventJobSchema = z.object({ eventId: z.number().int().positive() });
export type EventJob = z.infer<typeof eventJobSchema>;

export function eventJobId(eventId: number): string {
  return `event-${eventId}`;
}

/**
 * 2 s, 4 s … 32 s: an event can arrive before the send that caused it is committed with its
 * provider message id; the retries give that commit time before the event counts as unmatched.
 */
export const EVENT_JOB_OPTIONS: JobsOptions = {
  attempts: 6,
  backoff: { type: "exponential", delay: 2000 },
  removeOnComplete: true,
  removeOnFail: { age: 7 * 24 * 3600, count: 10_000 },
};

/**
 * Deterministic job ids make a second add of the same message a no-op while the first job is
 * still known to the queue. BullMQ 6 rejects ids that contain ":" or are all digits.
 */
export function deliveryJobId(deliveryId: number): string {
  return `delivery-${deliveryId}`;
}

/**
 * A provider outage (5xx, network) must not cost a step: retries go on for ≈ 18 h — 1 s, 2 s,
 * 4 s … 9 h apart, 2^16 − 1 s in all — before a message is marked failed. That stays inside the
 * 24 h the provider keeps an idempotency key, so even the last retry of an email whose first
 * answer was lost is a replay, never a second email. (429s and "not due yet" are not attempts.)
 */
export const SEND_JOB_OPTIONS: JobsOptions = {
  attempts: 17,
  backoff: { type: "exponential", delay: 1000 },
  // A finished job's id is free again; Postgres, not the retained job, guards against a resend.
  removeOnComplete: true,
  removeOnFail: { age: 7 * 24 * 3600, count: 10_000 },
};
