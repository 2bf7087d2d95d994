import type { InferSelectModel } from "drizzle-orm";
import { bigint, pgEnum, pgTable, text, timestamp, unique, uuid } from "drizzle-orm/pg-core";
import { subscribers } from "./subscribers.js";

export const enrollmentState = pgEnum("enrollment_state", ["active", "completed", "stopped", "converted"]);

/** A subscriber's place in a sequence. Postgres, not Redis, knows who gets which step when. */
export const enrollments = pgTable(
  "enrollments",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    subscriberId: uuid("subscriber_id")
      .notNull()
      .references(() => subscribers.id, { onDelete: "cascade" }),
    sequence: text("sequence").notNull(),
    state: enrollmentState("state").notNull().default("active"),
    /** The last step sent; null before the first. */
    currentStep: text("current_step"),
    /** The step due next and when; null once the sequence has ended. */
    nextStep: text("next_step"),
    nextSendAt: timestamp("next_send_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
    endedAt: timestamp("ended_at", { withTimezone: true }),
  },
  (t) => [
    unique("enrollments_subscriber_sequence_key").on(t.subscriberId, t.sequence),
    // No index on next_send_at: nothing searches by it (deliveries.due_at drives sending), and
    // without one the update that moves an enrollment to its next step stays a HOT update.
  ],
);

export type Enrollment = InferSelectModel<typeof enrollments>;
