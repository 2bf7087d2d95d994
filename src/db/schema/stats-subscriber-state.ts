import { boolean, date, integer, jsonb, pgTable, text, uuid } from "drizzle-orm/pg-core";

/**
 * Each subscriber's contribution to stats_rollup as of the last fold: the facts the numbers come
 * from. The fold subtracts it and adds the fresh facts, so the rollup equals this table's sum. No
 * foreign key: a deleted subscriber's row must outlive it until the fold takes its part out. The
 * column order is stats_state_of()'s composite type (src/db/stats-functions.ts): change both together.
 */
export const statsSubscriberState = pgTable("stats_subscriber_state", {
  /** The nil UUID stands for "downloads whose subscriber row is gone". */
  subscriberId: uuid("subscriber_id").primaryKey(),
  day: date("day", { mode: "string" }),
  source: text("source"),
  utmSource: text("utm_source"),
  utmMedium: text("utm_medium"),
  utmCampaign: text("utm_campaign"),
  /** subscribers.status, or 'none' for the nil row. */
  status: text("status").notNull(),
  confirmed: boolean("confirmed").notNull(),
  /** Has an enrollment that ended completed. */
  completed: boolean("completed").notNull(),
  downloads: integer("downloads").notNull(),
  /** The step of the latest sent delivery (by sent_at). */
  lastStep: text("last_step"),
  /** {step: bits}: 1 sent, 2 failed, 4 delivered, 8 opened, 16 clicked, 32 bounced, 64 complained. */
  steps: jsonb("steps").$type<Record<string, number>>().notNull(),
  /** Guide fetches judged not a person's (src/signals/rules.ts). */
  automatedDownloads: integer("automated_downloads").notNull().default(0),
  /** {step: n}: fetches of that step's links judged not a person's. */
  automatedClicks: jsonb("automated_clicks").$type<Record<string, number>>().notNull().default({}),
  /** The latest check-in answer (better, same, worse), if any. */
  answer: text("answer"),
  booked: boolean("booked").notNull().default(false),
  bookingClicked: boolean("booking_clicked").notNull().default(false),
});
