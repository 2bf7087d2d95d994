import { hostname } from "node:os";
import { Counter, Histogram, Registry } from "prom-client";
import type postgres from "postgres";
import type { Logger } from "../logger.js";
import { aroundCalls, type Transport } from "../mail/transport.js";

/**
 * Metrics only the process doing the work can count (prom-client, one registry per process),
 * published to metric_snapshots for GET /metrics to add up (docs/admin-and-stats.md "Metrics").
 */
export type ProcessMetrics = ReturnType<typeof createProcessMetrics>;

export function createProcessMetrics() {
  const registry = new Registry();
  return {
    registry,
    /** host:pid — this process's row in metric_snapshots. */
    processKey: `${hostname()}:${process.pid}`,
    providerDuration: new Histogram({
      name: "fur_provider_request_duration_seconds",
      help: "Email provider (or outbox) calls: duration by outcome (sent, retryable, rate_limited, permanent). Per worker process, summed over live ones.",
      labelNames: ["transport", "outcome"],
      buckets: [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    reconcilerRepairs: new Counter({
      name: "fur_reconciler_repairs_total",
      help: "Reconciler repairs: full_rebuild (the queue store had lost its data) and job_recreated (a pending delivery whose job had ended). Per worker process.",
      labelNames: ["kind"],
      registers: [registry],
    }),
    reconcilerRuns: new Counter({
      name: "fur_reconciler_runs_total",
      help: "Reconciler passes run. Per worker process.",
      registers: [registry],
    }),
  };
}

/** The transport, timing every call into the provider histogram. */
export function instrumentTransport(transport: Transport, metrics: ProcessMetrics): Transport {
  return aroundCalls(transport, async (call) => {
    const stop = metrics.providerDuration.startTimer({ transport: transport.name });
    try {
      const result = await call();
      stop({ outcome: result.ok ? "sent" : result.kind === "rateLimited" ? "rate_limited" : result.kind });
      return result;
    } catch (error) {
      stop({ outcome: "error" });
      throw error;
    }
  });
}

/** Counts what each reconciler pass repaired (the reconciler itself only logs it). */
export function instrumentReconciler<T extends { run(): Promise<{ full: boolean; repaired: number }> }>(reconciler: T, metrics: ProcessMetrics): T {
  const run = reconciler.run.bind(reconciler);
  reconciler.run = async () => {
    const report = await run();
    metrics.reconcilerRuns.inc();
    if (report.full) metrics.reconcilerRepairs.inc({ kind: "full_rebuild" });
    if (report.repaired > 0) metrics.reconcilerRepairs.inc({ kind: "job_recreated" }, report.repaired);
    return report;
  };
  return reconciler;
}

export async function publishSnapshot(sql: postgres.Sql, metrics: ProcessMetrics): Promise<void> {
  const json = await metrics.registry.getMetricsAsJSON();
  await sql`
    with stale as (
      -- Processes that stopped a day ago or more: nobody reads their rows any more.
      delete from metric_snapshots where updated_at < now() - interval '1 day'
    )
    insert into metric_snapshots (process, metrics, updated_at)
    values (${metrics.processKey}, ${sql.json(json as unknown as postgres.JSONValue)}, now())
    on conflict (process) do update set metrics = excluded.metrics, updated_at = now()`;
}

/** Publishes every `everyMs` (and once more at stop); a failed publish is only logged. */
export function startSnapshotPublisher(sql: postgres.Sql, metrics: ProcessMetrics, logger: Logger, everyMs = 10_000) {
  const publish = () => publishSnapshot(sql, metrics).catch((error: unknown) => logger.warn({ err: error }, "could not publish metrics"));
  const timer = setInterval(() => void publish(), everyMs);
  timer.unref();
  void publish();
  return {
    async stop() {
      clearInterval(timer);
      await publish();
    },
  };
}
