import type { InferSelectModel } from "drizzle-orm";
import { jsonb, pgTable, text, timestamp } from "drizzle-orm/pg-core";

/**
 * The sequence definition (and schedule settings) the active enrollments were last planned
 * with, one row per sequence. A worker that starts with a different fingerprint re-plans the
 * enrollments on their way before it sends anything (docs/sequence.md "Changing the sequence").
 */
export const sequenceDefinitions = pgTable("sequence_definitions", {
  sequence: text("sequence").primaryKey(),
  /** sha256 of the steps, their delays and the schedule settings (src/campaign/plan.ts). */
  fingerprint: text("fingerprint").notNull(),
  /** What the fingerprint stands for, for a human reading the table. */
  definition: jsonb("definition").notNull(),
  appliedAt: timestamp("applied_at", { withTimezone: true }).notNull().defaultNow(),
});

export type SequenceDefinitionRow = InferSelectModel<typeof sequenceDefinitions>;
