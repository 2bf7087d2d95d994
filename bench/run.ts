import { measureBareRoute, runScenario, type ScenarioResult } from "./scenario.js";

/**
 * `npm run bench`: the same signup and sending figures on each queue backend, side by side,
 * beside a bare Hono route measured in the same run. The service runs as separate API and
 * worker processes against the machine's PostgreSQL (and Redis), with a local fake Resend API.
 * Exits non-zero only when a correctness check fails (a lost or doubled email), never on timing.
 *
 * BENCH_DURATION_S (5), BENCH_BACKENDS (redis,postgres), BENCH_DATABASE_URL, BENCH_REDIS_URL.
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
  "202 → accepted p50 / p95 ms (20/s)": "p95 ≤ 500",
  "subscribers / welcomes / lost / doubled": "0 lost, 0 doubled",
  "API / worker RSS MB": "worker ≤ 250",
};

async function main(): Promise<number> {
  const bare = await measureBareRoute(options.connections, options.durationSeconds);
  const results = new Map<string, ScenarioResult>();
  for (const backend of backends) results.set(backend, await runScenario({ ...options, backend }));

  const names = [...new Set([...results.values()].flatMap((r) => [...r.figures.keys()]))];
  const header = ["figure", ...backends, "target"];
  const table = [
    ["bare Hono route req/s (p50 / p99 ms)", ...backends.map(() => `${bare.rps} (${bare.p50} / ${bare.p99})`), "yardstick"],
    ...names.map((name) => [name, ...backends.map((b) => results.get(b)!.figures.get(name) ?? "—"), TARGETS[name] ?? ""]),
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

  const failures = [...results.values()].flatMap((r) => r.failures);
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
