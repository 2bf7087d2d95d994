import { AggregatorRegistry, Gauge, Registry, type MetricObjectWithValues, type MetricValue } from "prom-client";
import type postgres from "postgres";
import type { Database } from "../db/client.js";
import { liveMetricSnapshots } from "../db/queries/metrics.js";
import { pendingStatsMarks, readStatsRows } from "../db/queries/stats.js";
import type { Queues } from "../queue/queues.js";
import type { ProcessMetrics } from "./process-metrics.js";

/**
 * GET /metrics, Prometheus text format (docs/admin-and-stats.md "Metrics"): what is read at scrape
 * time from Postgres and the queue, and the per-process metrics of every live process summed.
 */
export interface ScrapeDeps {
  sql: postgres.Sql;
  db: Database;
  queues: Queues;
  metrics: ProcessMetrics;
}

/** A snapshot older than this belongs to a process that stopped (they publish every 10 s). */
const SNAPSHOT_MAX_AGE_SECONDS = 60;
const JOB_STATES = ["waiting", "delayed", "active", "prioritized", "failed", "completed"] as const;

export async function renderMetrics(deps: ScrapeDeps): Promise<{ contentType: string; body: string }> {
  const scrape = new Registry();
  const gauge = <L extends string>(name: string, help: string, labelNames: L[] = []) =>
    new Gauge<L>({ name, help, labelNames, registers: [scrape] });

  const [stats, marks, snapshots, queueCounts] = await Promise.all([
    readStatsRows(deps.sql, {}),
    pendingStatsMarks(deps.sql),
    liveMetricSnapshots(deps.db, deps.metrics.processKey, SNAPSHOT_MAX_AGE_SECONDS),
    Promise.all(
      deps.queues.all().map(async (q) => ({ name: q.name, counts: await q.getJobCounts(...JOB_STATES) })),
    ).catch(() => undefined),
  ]);

  const people = stats.byStep.get("");
  const signups = gauge("fur_signups", "Subscribers on the list (every status; pending double opt-in requests included). From Postgres at scrape time.");
  signups.set(people?.subscribers ?? 0);
  const byStatus = gauge("fur_subscribers", "Subscribers by status; completed = active with the sequence finished. From Postgres at scrape time.", ["status"]);
  for (const status of ["pending", "active", "completed", "unsubscribed", "bounced", "complained"] as const) {
    byStatus.set({ status }, people?.[status] ?? 0);
  }
  const downloads = gauge("fur_guide_downloads", "Guide PDF downloads. From Postgres at scrape time.");
  downloads.set(people?.downloads ?? 0);
  const downloaders = gauge("fur_guide_downloaders", "Subscribers who downloaded the guide at least once. From Postgres at scrape time.");
  downloaders.set(people?.downloaders ?? 0);
  const sends = gauge(
    "fur_emails",
    "Sequence emails by step and result: sent/failed (our send), delivered/opened/clicked/bounced/complained (provider webhooks; opened is an estimate). Distinct emails, from Postgres at scrape time.",
    ["step", "result"],
  );
  for (const [step, c] of stats.byStep) {
    if (step === "") continue;
    const results = { sent: c.sent, failed: c.failed, delivered: c.delivered, opened: c.opened, clicked: c.clicked, bounced: c.step_bounced, complained: c.step_complained };
    for (const [result, value] of Object.entries(results)) sends.set({ step, result }, value);
  }
  const unfolded = gauge("fur_stats_unfolded_marks", "Subscriber changes the stats fold has not taken in yet (reads stay exact; they grow slower). From Postgres.");
  unfolded.set(marks);
  const depth = gauge("fur_queue_jobs", "Jobs in each queue by state. From the queue store at scrape time.", ["queue", "state"]);
  const up = gauge("fur_queue_store_up", "1 if the queue store answered this scrape.");
  up.set(queueCounts ? 1 : 0);
  for (const q of queueCounts ?? []) {
    for (const state of JOB_STATES) depth.set({ queue: q.name, state }, q.counts[state] ?? 0);
  }

  const merged = AggregatorRegistry.aggregate([
    await deps.metrics.registry.getMetricsAsJSON(),
    ...snapshots.map((m) => (typeof m === "string" ? JSON.parse(m) : m) as MetricObjectWithValues<MetricValue<string>>[]),
    await scrape.getMetricsAsJSON(),
  ]);
  return { contentType: merged.contentType, body: await merged.metrics() };
}
