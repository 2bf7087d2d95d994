import { bigint, date, pgTable, text, unique } from "drizzle-orm/pg-core";

/** The cohort key and the counters: the rollup's columns, and the engagement archive's. */
const rollupColumns = () => ({
    /** Null only for downloads whose subscriber row was deleted (no cohort left to count them in). */
    day: date("day", { mode: "string" }),
    source: text("source"),
    utmSource: text("utm_source"),
    utmMedium: text("utm_medium"),
    utmCampaign: text("utm_campaign"),
    /** '' for the subscriber row of the cohort, else a step key. */
    step: text("step").notNull(),
    // Subscriber row ('').
    subscribers: bigint("subscribers", { mode: "number" }).notNull().default(0),
    pending: bigint("pending", { mode: "number" }).notNull().default(0),
    active: bigint("active", { mode: "number" }).notNull().default(0),
    completed: bigint("completed", { mode: "number" }).notNull().default(0),
    unsubscribed: bigint("unsubscribed", { mode: "number" }).notNull().default(0),
    bounced: bigint("bounced", { mode: "number" }).notNull().default(0),
    complained: bigint("complained", { mode: "number" }).notNull().default(0),
    confirmed: bigint("confirmed", { mode: "number" }).notNull().default(0),
    downloads: bigint("downloads", { mode: "number" }).notNull().default(0),
    downloaders: bigint("downloaders", { mode: "number" }).notNull().default(0),
    // Step rows.
    sent: bigint("sent", { mode: "number" }).notNull().default(0),
    delivered: bigint("delivered", { mode: "number" }).notNull().default(0),
    opened: bigint("opened", { mode: "number" }).notNull().default(0),
    clicked: bigint("clicked", { mode: "number" }).notNull().default(0),
    stepBounced: bigint("step_bounced", { mode: "number" }).notNull().default(0),
    stepComplained: bigint("step_complained", { mode: "number" }).notNull().default(0),
    failed: bigint("failed", { mode: "number" }).notNull().default(0),
    /** Subscribers now unsubscribed whose last sent email was this step. */
    leftAfter: bigint("left_after", { mode: "number" }).notNull().default(0),
    /** Subscriber row: guide fetches that were not a person's (mail scanners, link checkers). */
    automatedDownloads: bigint("automated_downloads", { mode: "number" }).notNull().default(0),
    /** Step rows: fetches of this step's links that were not a person's. */
    automatedClicks: bigint("automated_clicks", { mode: "number" }).notNull().default(0),
    /** Subscriber row: whose latest check-in answer is better / about the same / worse. */
    answeredBetter: bigint("answered_better", { mode: "number" }).notNull().default(0),
    answeredSame: bigint("answered_same", { mode: "number" }).notNull().default(0),
    answeredWorse: bigint("answered_worse", { mode: "number" }).notNull().default(0),
    /** Subscriber row: who booked (a conversion with goal "booked"). */
    booked: bigint("booked", { mode: "number" }).notNull().default(0),
    /** Subscriber row: who opened the booking link as a person. */
    bookingClicked: bigint("booking_clicked", { mode: "number" }).notNull().default(0),
  });

/**
 * The campaign's numbers, pre-aggregated per cohort: subscribers who signed up on `day` (UTC) with
 * one source/UTM combination. A cohort's `step = ''` row holds the subscriber counts, one row per
 * step that step's; summing rows over any filter of day and source gives its stats (every column
 * means one thing in every row). Kept exact by the fold and the reads alone (docs/admin-and-stats.md
 * "Exact and fast").
 */
export const statsRollup = pgTable("stats_rollup", rollupColumns(), (t) => [
  // NULLS NOT DISTINCT (PostgreSQL 15): "no source" is one cohort, not one per row.
  unique("stats_rollup_key").on(t.day, t.source, t.utmSource, t.utmMedium, t.utmCampaign, t.step).nullsNotDistinct(),
]);

/**
 * What downloads, clicks and opens older than ENGAGEMENT_RETENTION_DAYS contributed, folded in as
 * they were deleted (src/db/queries/engagement-retention.ts): reads add it to the rollup, so no
 * number moves; a rebuild of the rollup leaves it alone (the rows it stands for are gone).
 */
export const engagementArchive = pgTable("engagement_archive", rollupColumns(), (t) => [
  unique("engagement_archive_key").on(t.day, t.source, t.utmSource, t.utmMedium, t.utmCampaign, t.step).nullsNotDistinct(),
]);
