import type { Database } from "../db/client.js";
import { countEmailEvents, type EventCounts } from "../db/queries/email-events.js";

/** Provider events per type, those matching none of our emails (kept, counted), and those pending. */
export function webhookEventCounts(db: Database): Promise<EventCounts> {
  return countEmailEvents(db);
}
