import type postgres from "postgres";
import { recordGuideDownload } from "../db/queries/guide.js";

/**
 * A subscriber's downloads within one such window count once (issue 17: 2,000 GETs of one link
 * counted 2,000 downloads). Long enough to fold a retried or double-clicked download and a
 * scanner's burst, short enough that reading the guide again another day counts.
 */
export const DOWNLOAD_WINDOW_SECONDS = 10 * 60;

/**
 * Counts one download of the guide for the stats (GET /guide/:token). The user agent is kept
 * short: it only tells a person's browser from a mail scanner when reading the numbers.
 */
export function countGuideDownload(sql: postgres.Sql, subscriberId: string, userAgent: string | undefined): Promise<void> {
  return recordGuideDownload(sql, subscriberId, userAgent?.slice(0, 512), DOWNLOAD_WINDOW_SECONDS);
}
