import { bigint, index, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { subscribers } from "./subscribers.js";

/**
 * One row per guide PDF download, for the stats (downloads, unique subscribers). The subscriber id
 * goes null when the subscriber is erased: the count survives, the person does not.
 */
export const guideDownloads = pgTable(
  "guide_downloads",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    subscriberId: uuid("subscriber_id").references(() => subscribers.id, { onDelete: "set null" }),
    downloadedAt: timestamp("downloaded_at", { withTimezone: true }).notNull().defaultNow(),
    userAgent: text("user_agent"),
    /**
     * The short window (src/signals/rules.ts DOWNLOAD_WINDOW_SECONDS) the download fell in: repeats
     * within one count once (issue 17: 2,000 GETs of one link counted 2,000). Null before the rule.
     */
    countedWindow: bigint("counted_window", { mode: "number" }),
  },
  (t) => [
    // Downloads per day, and erasure / unique counts per subscriber.
    index("guide_downloads_downloaded_at_idx").on(t.downloadedAt),
    index("guide_downloads_subscriber_idx").on(t.subscriberId),
    // The database decides the race between simultaneous downloads, not a read-then-write.
    uniqueIndex("guide_downloads_subscriber_window_key").on(t.subscriberId, t.countedWindow),
  ],
);
