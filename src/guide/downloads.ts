import type postgres from "postgres";
import { recordGuideDownload } from "../db/queries/guide.js";

/**
 * Counts one download of the guide for the stats (GET /guide/:token). The user agent is kept
 * short: it only tells a person's browser from a mail scanner when reading the numbers.
 */
export function countGuideDownload(sql: postgres.Sql, subscriberId: string, userAgent: string | undefined): Promise<void> {
  return recordGuideDownload(sql, subscriberId, userAgent?.slice(0, 512));
}
