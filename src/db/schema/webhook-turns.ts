import { pgTable, timestamp, uuid } from "drizzle-orm/pg-core";
import { webhookEndpoints } from "./webhook-endpoints.js";

/**
 * Each endpoint's share of calls, counted in the store so that it holds across every worker
 * process (DESIGN.md invariant 10): the calls in flight (the claims' leases, each until it ends)
 * and the calls started within the last window. Taken and given back only by the functions of
 * migration 0010 (`webhook_take_turn`, `webhook_give_turn`), under the row's lock.
 */
export const webhookTurns = pgTable("webhook_turns", {
  endpointId: uuid("endpoint_id")
    .primaryKey()
    .references(() => webhookEndpoints.id, { onDelete: "cascade" }),
  /** Starts within the last window, oldest first. */
  starts: timestamp("starts", { withTimezone: true }).array().notNull().default([]),
  /** The leases of the calls in flight, and when each stops counting (a killed worker's). */
  leases: uuid("leases").array().notNull().default([]),
  leaseEnds: timestamp("lease_ends", { withTimezone: true }).array().notNull().default([]),
});
