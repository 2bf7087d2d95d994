import { and, gt, ne, sql } from "drizzle-orm";
import type { Database } from "../client.js";
import { metricSnapshots } from "../schema/metric-snapshots.js";

/** The SQL behind GET /metrics that is not the stats rollup (src/metrics/scrape.ts). */

/** prom-client JSON other live processes stored within `maxAgeSeconds` (all but `exceptProcess`). */
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
