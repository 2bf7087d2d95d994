import { sql, type InferSelectModel } from "drizzle-orm";
import { bigint, check, index, pgTable, text, timestamp, unique, uuid } from "drizzle-orm/pg-core";
import { deliveries } from "./deliveries.js";
import { enrollments } from "./enrollments.js";
import { subscribers } from "./subscribers.js";

/**
 * The check-in's answers (issue 27), one row per person's POST (DESIGN.md invariant 9: never a mail
 * filter's GET). An enrollment's next email follows its latest answer until that email is claimed.
 */
export const checkInAnswers = pgTable(
  "checkin_answers",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    enrollmentId: bigint("enrollment_id", { mode: "number" })
      .notNull()
      .references(() => enrollments.id, { onDelete: "cascade" }),
    subscriberId: uuid("subscriber_id")
      .notNull()
      .references(() => subscribers.id, { onDelete: "cascade" }),
    /** The check-in email the answer came from. */
    deliveryId: bigint("delivery_id", { mode: "number" }).references(() => deliveries.id, { onDelete: "set null" }),
    answer: text("answer").$type<"better" | "same" | "worse">().notNull(),
    answeredAt: timestamp("answered_at", { withTimezone: true }).notNull().defaultNow(),
    /** The POST's address and browser, like a consent record; erasure clears them. */
    ip: text("ip"),
    userAgent: text("user_agent"),
  },
  (t) => [
    check("checkin_answers_answer", sql`${t.answer} in ('better', 'same', 'worse')`),
    index("checkin_answers_enrollment_idx").on(t.enrollmentId, t.answeredAt),
    index("checkin_answers_subscriber_idx").on(t.subscriberId),
  ],
);

/**
 * Goals reached (POST /admin/api/conversions): a reader who booked an assessment gets nothing
 * more of the sequence. Once per subscriber and goal: a repeat is the same answer.
 */
export const conversions = pgTable(
  "conversions",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    subscriberId: uuid("subscriber_id")
      .notNull()
      .references(() => subscribers.id, { onDelete: "cascade" }),
    goal: text("goal").$type<"booked">().notNull(),
    convertedAt: timestamp("converted_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [unique("conversions_subscriber_goal_key").on(t.subscriberId, t.goal)],
);

export type CheckInAnswerRow = InferSelectModel<typeof checkInAnswers>;
