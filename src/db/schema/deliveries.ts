import { sql, type InferSelectModel } from "drizzle-orm";
import { bigint, boolean, check, index, integer, pgEnum, pgTable, text, timestamp, unique, uuid } from "drizzle-orm/pg-core";
import { enrollments } from "./enrollments.js";
import { subscribers } from "./subscribers.js";
import { webhookEndpoints } from "./webhook-endpoints.js";
import { webhookEvents } from "./webhook-events.js";

/** scheduled → sending (claimed, provider call in flight) → sent | failed; cancelled: recipient left. */
export const deliveryState = pgEnum("delivery_state", ["scheduled", "sending", "sent", "failed", "cancelled"]);

/**
 * The kinds of message the service sends (src/outbound/kind.ts declares what each one is).
 * step: one step of the sequence; confirmation: the double opt-in email; fresh-link: a new guide
 * link asked for from an expired one; webhook: one event's call to one outgoing webhook endpoint.
 */
export const MESSAGE_KINDS = ["step", "confirmation", "fresh-link", "webhook"] as const;
export type MessageKind = (typeof MESSAGE_KINDS)[number];
/**
 * How each kind goes out: an email through the provider (one queue, the provider's rate limit) or
 * a call the kind makes itself (a queue of its own, so a slow receiver never holds back an email).
 */
export const MESSAGE_CHANNELS: Record<MessageKind, "email" | "call"> = { step: "email", confirmation: "email", "fresh-link": "email", webhook: "call" };
/** The kinds that are emails to a subscriber (all but the webhook call). */
export type EmailKind = Exclude<MessageKind, "webhook">;

/**
 * One row per message to send, whatever its kind: the one record the pipeline claims, sends,
 * finishes and reconciles (src/outbound/). The claim on this row, not a read-then-write check,
 * is what makes each message go out at most once (DESIGN.md invariant 3). A step row also names
 * its enrollment and step, unique per (enrollment, step); other kinds have neither.
 */
export const deliveries = pgTable(
  "deliveries",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    kind: text("kind").$type<MessageKind>().notNull().default("step"),
    /** Steps only. */
    enrollmentId: bigint("enrollment_id", { mode: "number" }).references(() => enrollments.id, { onDelete: "cascade" }),
    /** Every kind but a webhook call (whose event names its subscriber, if any). */
    subscriberId: uuid("subscriber_id").references(() => subscribers.id, { onDelete: "cascade" }),
    /** Steps only: the sequence step (a key of src/campaign/steps.ts). */
    step: text("step"),
    state: deliveryState("state").notNull().default("scheduled"),
    /** When it may go; also the moment it is rendered for, so every retry is byte-identical. */
    dueAt: timestamp("due_at", { withTimezone: true }).notNull(),
    attempts: integer("attempts").notNull().default(0),
    claimedAt: timestamp("claimed_at", { withTimezone: true }),
    /**
     * Written with each claim: the claim's owner. Finishing, releasing or deferring a claim checks
     * it, so a worker whose lease ran out (and whose row another worker claimed) changes nothing.
     */
    lease: uuid("lease"),
    sentAt: timestamp("sent_at", { withTimezone: true }),
    providerMessageId: text("provider_message_id"),
    lastError: text("last_error"),
    /**
     * Set when the delivery was claimed into a batch request: the members of one batch share the
     * key, and a retry re-sends exactly them under it (DESIGN.md invariant 3).
     */
    batchKey: text("batch_key"),
    /** The batch endpoint refused a batch this was in (a 4xx): it goes out on its own. */
    noBatch: boolean("no_batch").notNull().default(false),
    /** Webhook calls only: to which endpoint, of which event. */
    endpointId: uuid("endpoint_id").references(() => webhookEndpoints.id, { onDelete: "cascade" }),
    webhookEventId: bigint("webhook_event_id", { mode: "number" }).references(() => webhookEvents.id, { onDelete: "cascade" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    unique("deliveries_enrollment_step_key").on(t.enrollmentId, t.step),
    check("deliveries_step_shape", sql`(${t.kind} = 'step') = (${t.enrollmentId} is not null and ${t.step} is not null)`),
    check(
      "deliveries_webhook_shape",
      sql`(${t.kind} = 'webhook') = (${t.endpointId} is not null and ${t.webhookEventId} is not null and ${t.subscriberId} is null)`,
    ),
    check("deliveries_recipient", sql`${t.kind} = 'webhook' or ${t.subscriberId} is not null`),
    // Reconciler scan and batch claim (oldest due first): only pending rows, so small as history grows.
    index("deliveries_pending_due_idx")
      .on(t.dueAt)
      .where(sql`state in ('scheduled', 'sending')`),
    index("deliveries_provider_message_idx").on(t.providerMessageId),
    index("deliveries_batch_key_idx")
      .on(t.batchKey)
      .where(sql`batch_key is not null`),
    index("deliveries_subscriber_idx").on(t.subscriberId),
    // The delivery log of one endpoint, newest first.
    index("deliveries_endpoint_idx")
      .on(t.endpointId, t.id)
      .where(sql`endpoint_id is not null`),
    // An endpoint's calls still to make: how busy it is, pacing the expansion (src/notify/expansion.ts).
    index("deliveries_endpoint_pending_idx")
      .on(t.endpointId, t.dueAt)
      .where(sql`endpoint_id is not null and state in ('scheduled', 'sending')`),
    index("deliveries_webhook_event_idx")
      .on(t.webhookEventId)
      .where(sql`webhook_event_id is not null`),
  ],
);

export type Delivery = InferSelectModel<typeof deliveries>;
