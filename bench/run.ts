import { execSync } from "node:child_process";
import { runBurst } from "./burst.js";
import { measureRenderCache } from "./render.js";
import { measureBareRoute, runScenario, type ScenarioResult } from "./scenario.js";
import { measureStatsLatency } from "./stats.js";
import { floodLines, runSlowBodyFlood } from "./slow-bodies.js";
import { runSignupTiming, timingLines } from "./signup-timing.js";

/**
 * `npm run bench`: the same signup and sending figures on each queue backend, side by side,
 * beside a bare Hono route measured in the same run. The service runs as separate API and
 * worker processes against the machine's PostgreSQL (and Redis), with a local fake Resend API.
 * Exits non-zero only when a correctness check fails (a lost or doubled email), never on timing.
 *
 * Sections: (1) signup throughput and latency at 50 clients beside a bare Hono route, while the
 * worker sends every welcome unthrottled — at its deployed CPU priority (bench/service.ts
 * WORKER_NICE, docker-compose.yml cpu_shares), then at the API's; (2) 202 →
 * provider acceptance at 20 signups/s; (3) a burst of BENCH_BURST (10,000) signups against a
 * provider limited to 2 requests/s and 100 emails a request, against its floor; (4) API and
 * worker memory through the burst, and the burst's own signup rate and latency (the worker held
 * to the provider's limit); (5) admin stats latency at BENCH_STATS_SUBSCRIBERS (1 M)
 * subscribers and 5 deliveries each; (6) the render cache: an email personalised from it against a
 * fresh React Email render (bench/render.ts; its correctness is a unit test, its cost is here);
 * (7) outgoing webhooks to two endpoints on a loopback receiver (a process of its own,
 * bench/crm.ts): 202 → receipt, the signups' share of none (three hooked loads alternating with
 * four without), and the CPU a call costs while the backlog drains; (10) a tracked link of the
 * welcomes of (2) (GET /l/:token): the time to its redirect, the fetch recorded on the way;
 * (8) the slow-body flood
 * (bench/slow-bodies.ts): the API's memory before, during and after BENCH_FLOOD (2000)
 * connections trickling bodies; (9) signup timing (bench/signup-timing.ts): BENCH_TIMING_N (360)
 * known and as many new addresses interleaved, medians and the Mann-Whitney z.
 *
 * The service runs as compiled by `npm run build` (as in the Docker image); BENCH_RUNTIME=tsx runs
 * the sources through tsx instead (as `npm start` does).
 * BENCH_DURATION_S (5), BENCH_BACKENDS (redis,postgres), BENCH_BURST (10000),
 * BENCH_STATS_SUBSCRIBERS (1000000; 0 skips), BENCH_FLOOD (2000; 0 skips), BENCH_TIMING_N (360; 0 skips),
 * BENCH_WEBHOOKS (0 skips section 7),
 * BENCH_DATABASE_URL, BENCH_REDIS_URL.
 */
const options = {
  baseDatabaseUrl: process.env.BENCH_DATABASE_URL ?? "postgres://root@127.0.0.1:5432/test",
  redisUrl: process.env.BENCH_REDIS_URL ?? "redis://127.0.0.1:6379",
  durationSeconds: Number(process.env.BENCH_DURATION_S ?? 5),
  connections: 50,
};
const backends = (process.env.BENCH_BACKENDS ?? "redis,postgres").split(",").map((b) => b.trim()) as ("redis" | "postgres")[];

const TARGETS: Record<string, string> = {
  "signup req/s": "≥ 3000",
  "signup p50 / p99 ms": "p99 ≤ 50",
  "worker at the API's priority: signup req/s, p50 / p99 ms": "(comparison)",
  "202 → accepted p50 / p95 ms (20/s)": "p95 ≤ 500",
  "tracked link → 302 p50 / p95 ms (10 at once)": "(issue 26: measured)",
  "subscribers / welcomes / lost / doubled": "0 lost, 0 doubled",
  "signup req/s with 2 webhook endpoints, share of none": "≥ 90 %",
  "202 → webhook receipt p50 / p95 ms (20/s)": "(issue 16: measured)",
  "API / worker RSS MB": "worker ≤ 250",
  "burst efficiency (floor / measured)": "≥ 90 %",
  "burst signup req/s, p50 / p99 ms (worker at 2 req/s)": "≥ 3000, p99 ≤ 50",
  "burst subscribers / welcomes / lost / doubled": "0 lost, 0 doubled",
  "API / worker max RSS during the burst (MB)": "worker ≤ 250",
};
const burstSignups = Number(process.env.BENCH_BURST ?? 10_000);
const statsSubscribers = Number(process.env.BENCH_STATS_SUBSCRIBERS ?? 1_000_000);

/** Compiles the service as the Dockerfile does, so the bench measures what production runs. */
function buildDist(): void {
  if (process.env.BENCH_RUNTIME === "tsx") return;
  execSync("npm run --silent build && rm -rf dist/drizzle && cp -r drizzle dist/drizzle", { stdio: "inherit" });
}

async function main(): Promise<number> {
  buildDist();
  const bare = await measureBareRoute(options.connections, options.durationSeconds);
  // In this process, before any service starts: the CPU is the renderer's alone.
  const render = await measureRenderCache();
  const results = new Map<string, ScenarioResult>();
  for (const backend of backends) {
    const scenario = await runScenario({ ...options, backend });
    const burst = await runBurst({ ...options, backend, signups: burstSignups, rate: 2, batch: 100 });
    results.set(backend, {
      figures: new Map([...scenario.figures, ...burst.figures]),
      failures: [...scenario.failures, ...burst.failures],
    });
  }
  const floodConnections = Number(process.env.BENCH_FLOOD ?? 2000);
  const timingN = Number(process.env.BENCH_TIMING_N ?? 360);
  const floods = floodConnections > 0 ? await runSlowBodyFlood({ ...options, connections: floodConnections }) : [];
  const timings = timingN > 0 ? await runSignupTiming({ ...options, n: timingN }) : [];
  const stats =
    statsSubscribers > 0
      ? await measureStatsLatency({ baseDatabaseUrl: options.baseDatabaseUrl, subscribers: statsSubscribers, verify: true })
      : undefined;

  const names = [...new Set([...results.values()].flatMap((r) => [...r.figures.keys()]))];
  const header = ["figure", ...backends, "target"];
  const table = [
    ["bare Hono route req/s (p50 / p99 ms)", ...backends.map(() => `${bare.rps} (${bare.p50} / ${bare.p99})`), "yardstick"],
    ...names.map((name) => [name, ...backends.map((b) => results.get(b)!.figures.get(name) ?? "—"), TARGETS[name] ?? ""]),
    [
      "render: cached µs / fresh ms per email",
      ...backends.map(() => `${render.cachedUs} / ${render.freshMs} (${render.ratio}×)`),
      "cache ≥ 10× cheaper",
    ],
    [
      "signup / bare throughput",
      ...backends.map((b) => `${((Number(results.get(b)!.figures.get("signup req/s")) / bare.rps) * 100).toFixed(1)} %`),
      "the ratio",
    ],
  ];
  const widths = header.map((_, i) => Math.max(header[i]!.length, ...table.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join(" | ");
  console.log(`\n${line(header)}\n${widths.map((w) => "-".repeat(w)).join("-|-")}`);
  for (const row of table) console.log(line(row));

  if (stats) {
    const statsRow = `${stats.p50} / ${stats.p95}`;
    console.log(
      `\n(5) admin stats at ${stats.subscribers.toLocaleString("en")} subscribers, ${stats.deliveries.toLocaleString("en")} deliveries` +
        ` (backend-independent): p50 / p95 = ${statsRow} ms (target p95 ≤ 100);` +
        ` with a date range and source: ${stats.filtered.p50} / ${stats.filtered.p95} ms;` +
        ` with ${stats.unfolded.marks} changes not yet folded in: ${stats.unfolded.p50} / ${stats.unfolded.p95} ms;` +
        ` numbers exact: ${stats.mismatches === undefined ? "not checked" : stats.mismatches.length === 0 ? "yes" : "NO"}`,
    );
  }
  for (const line of [...floodLines(floods), ...timingLines(timings)]) console.log(`\n${line}`);
  const failures = [...results.values()].flatMap((r) => r.failures);
  if (stats?.mismatches && stats.mismatches.length > 0) failures.push(`stats differ from the tables: ${stats.mismatches.join("; ")}`);
  if (failures.length > 0) {
    console.error(`\nCORRECTNESS FAILURES:\n- ${failures.join("\n- ")}`);
    return 1;
  }
  console.log("\nall correctness checks passed (no email lost or doubled)");
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`bench crashed: ${(error as Error).stack ?? String(error)}`);
    process.exit(1);
  },
);
