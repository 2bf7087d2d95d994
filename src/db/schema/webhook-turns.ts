import { pgTable, timestamp, uuid } from "drizzle-orm/pg-core";
import { webhookEndpoints } from "./webhook-endpoints.js";

/**
 * Each endpoint's share of calls, counted in the store so that it holds across every worker
 * process (DESIGN.md invariant 10): the calls in flight (the claims' leases, each until it ends)
 * and when the next start is due (a cell rate). Taken by `webhook_take_turns` (migration
 * 0012, several at once) and given back by the trigger on a call's recorded outcome (0011).
 */
export const webhookTurns = pgTable("webhook_turns", {
  endpointId: uuid("endpoint_id")
    .primaryKey()
    .references(() => webhookEndpoints.id, { onDelete: "cascade" }),
  /** When the next start is due (migration 0011; 0010 kept the window's starts, oldest first). */
  starts: timestamp("starts", { withTimezone: true }).array().notNull().default([]),
  /** The leases of the calls in flight, and when each stops counting (a killed worker's). */
  leases: uuid("leases").array().notNull().default([]),
  leaseEnds: timestamp("lease_ends", { withTimezone: true }).array().notNull().default([]),
});
