import type postgres from "postgres";
import { countEmailEvents, type EventCounts } from "../db/queries/email-events.js";

/** Provider events per type, those matching none of our emails (kept, counted), and those pending. */
export function webhookEventCounts(sql: postgres.Sql): Promise<EventCounts> {
  return countEmailEvents(sql);
}
