import { jsonb, pgTable, text, timestamp } from "drizzle-orm/pg-core";

/**
 * Per-process Prometheus metrics (prom-client's JSON form) that only the process that did the work
 * can count — provider call latency, reconciler repairs — published every few seconds by each
 * worker so the API's GET /metrics can add them up. Rows of processes gone quiet are ignored.
 */
export const metricSnapshots = pgTable("metric_snapshots", {
  /** host:pid:role */
  process: text("process").primaryKey(),
  metrics: jsonb("metrics").notNull(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});
