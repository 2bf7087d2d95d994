import { and, gt, ne, sql } from "drizzle-orm";
import type { Database } from "../client.js";
import { metricSnapshots } from "../schema/metric-snapshots.js";

/** The SQL behind GET /metrics that is not the stats rollup (src/metrics/scrape.ts). */

/**
 * The metrics other live processes published (prom-client's JSON form, as they stored it):
 * every process but `exceptProcess` that wrote within `maxAgeSeconds`.
 */
export async function liveMetricSnapshots(db: Database, exceptProcess: string, maxAgeSeconds: number): Promise<unknown[]> {
  const rows = await db
    .select({ metrics: metricSnapshots.metrics })
    .from(metricSnapshots)
    .where(
      and(
        ne(metricSnapshots.process, exceptProcess),
        gt(metricSnapshots.updatedAt, sql`now() - make_interval(secs => ${maxAgeSeconds})`),
      ),
    );
  return rows.map((r) => r.metrics);
}
