import { randomBytes } from "node:crypto";
import autocannon from "autocannon";
import postgres from "postgres";
import { Redis } from "ioredis";
import { firstLine, startChild, waitForHttp, type Child } from "./processes.js";

/**
 * `npm run bench`: the service (API and worker as separate processes) against the machine's
 * Postgres and Redis and a local fake Resend API, driven from this process. Prints a table;
 * exits non-zero only when a correctness check fails (a lost or doubled email), never on timing.
 */
const BASE_DB = process.env.BENCH_DATABASE_URL ?? "postgres://root@127.0.0.1:5432/test";
const REDIS_URL = process.env.BENCH_REDIS_URL ?? "redis://127.0.0.1:6379";
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 5);
const CONNECTIONS = 50;

interface Row {
  figure: string;
  value: string;
  target: string;
}
const rows: Row[] = [];
const failures: string[] = [];
const children: Child[] = [];

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function main() {
  const runId = randomBytes(3).toString("hex");
  const dbName = `fur_bench_${runId}`;
  const admin = postgres(BASE_DB, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${dbName}`);
  const dbUrl = new URL(BASE_DB);
  dbUrl.pathname = `/${dbName}`;
  const prefix = `fur-bench-${runId}`;

  try {
    const fake = startChild("tests/support/fake-resend-cli.ts", ["--port", "0"], {});
    children.push(fake);
    const fakeUrl = await firstLine(fake);

    const apiPort = 3400 + Math.floor(Math.random() * 500);
    const env = {
      DATABASE_URL: dbUrl.toString(),
      REDIS_URL,
      QUEUE_PREFIX: prefix,
      PORT: String(apiPort),
      HOST: "127.0.0.1",
      APP_SECRET: randomBytes(32).toString("hex"),
      RESEND_API_KEY: "re_bench",
      RESEND_BASE_URL: fakeUrl,
      RESEND_RATE_LIMIT: "1000", // section 2: no rate limit in the way
      SIGNUP_RATE_LIMIT: "0",
      LOG_LEVEL: "warn",
    };
    // The API migrates at start; the worker waits for it so they do not race on first boot.
    const api = startChild("src/main.ts", ["api"], env);
    children.push(api);
    await waitForHttp(`http://127.0.0.1:${apiPort}/readyz`);
    const worker = startChild("src/main.ts", ["worker"], env);
    children.push(worker);

    const bare = startChild("bench/bare-server.ts", ["0"], {});
    children.push(bare);
    const barePort = Number(await firstLine(bare));

    // (1) Signup throughput and latency at 50 concurrent clients, beside a bare Hono route.
    const bareResult = await autocannon({
      url: `http://127.0.0.1:${barePort}/ok`,
      method: "POST",
      connections: CONNECTIONS,
      duration: DURATION_S,
    });
    await bare.stop();
    let n = 0;
    const signupResult = await autocannon({
      url: `http://127.0.0.1:${apiPort}/api/subscribe`,
      connections: CONNECTIONS,
      duration: DURATION_S,
      requests: [
        {
          method: "POST",
          headers: { "content-type": "application/json" },
          setupRequest: (req) => ({ ...req, body: JSON.stringify({ email: `load-${runId}-${n++}@bench.example` }) }),
        },
      ],
    });
    const signupOk = signupResult["2xx"];
    rows.push(
      { figure: "bare Hono route: req/s (p50 / p99 ms)", value: `${Math.round(bareResult.requests.average)} (${bareResult.latency.p50} / ${bareResult.latency.p99})`, target: "yardstick" },
      { figure: "signup: req/s (p50 / p99 ms)", value: `${Math.round(signupResult.requests.average)} (${signupResult.latency.p50} / ${signupResult.latency.p99})`, target: "≥ 3000/s, p99 ≤ 50 ms" },
      { figure: "signup / bare throughput", value: `${((signupResult.requests.average / bareResult.requests.average) * 100).toFixed(0)} %`, target: "the figure" },
    );
    if (signupResult.non2xx > 0 || signupResult.errors > 0) failures.push(`${signupResult.non2xx} non-2xx and ${signupResult.errors} errors in the signup load`);

    // Every signup of the load gets exactly one welcome. Count signups in Postgres: requests still
    // in flight when autocannon stops were served, but not counted by it.
    const db = postgres(dbUrl.toString(), { max: 1 });
    const drainStarted = Date.now();
    const [{ n: loadSignups }] = (await db`select count(*)::int as n from subscribers where email like ${`load-${runId}-%`}`) as unknown as [{ n: number }];
    await waitForReceipts(fakeUrl, (r) => r.filter((x) => x.to.startsWith(`load-${runId}-`)).length >= loadSignups, 300_000);
    rows.push({ figure: `drain ${loadSignups} welcomes after the load`, value: `${((Date.now() - drainStarted) / 1000).toFixed(1)} s`, target: "" });

    // (2) Time from 202 to provider acceptance at a steady 20 signups/s (100 signups).
    const answeredAt = new Map<string, number>();
    const steady: Promise<void>[] = [];
    for (let i = 0; i < 100; i++) {
      const email = `steady-${runId}-${i}@bench.example`;
      steady.push(
        fetch(`http://127.0.0.1:${apiPort}/api/subscribe`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ email }),
        }).then(async (res) => {
          await res.arrayBuffer();
          if (res.status === 202) answeredAt.set(email, Date.now());
        }),
      );
      await new Promise((r) => setTimeout(r, 50));
    }
    await Promise.all(steady);
    const receipts = await waitForReceipts(fakeUrl, (r) => r.filter((x) => x.to.startsWith(`steady-${runId}-`)).length >= 100, 30_000);
    const delays = receipts
      .filter((r) => answeredAt.has(r.to))
      .map((r) => r.receivedAt - answeredAt.get(r.to)!)
      .sort((a, b) => a - b);
    rows.push({
      figure: "202 → provider accepted welcome, 20/s (p50 / p95 ms)",
      value: `${percentile(delays, 50)} / ${percentile(delays, 95)}`,
      target: "p95 ≤ 500 ms",
    });

    // Correctness over the whole run: every subscriber in Postgres got one welcome; none doubled.
    const all = await fetchReceipts(fakeUrl);
    const counts = new Map<string, number>();
    for (const r of all) if (r.step === "welcome") counts.set(r.to, (counts.get(r.to) ?? 0) + 1);
    const subscribers = (await db`select email from subscribers`).map((r) => String(r.email));
    await db.end();
    const lost = subscribers.filter((e) => !counts.has(e)).length;
    const doubled = [...counts.values()].filter((c) => c > 1).length;
    const known = new Set(subscribers);
    const strangers = [...counts.keys()].filter((e) => !known.has(e)).length;
    rows.push({ figure: "welcomes: subscribers / accepted / lost / doubled", value: `${subscribers.length} / ${counts.size} / ${lost} / ${doubled}`, target: "equal, 0 lost, 0 doubled" });
    if (doubled > 0) failures.push(`${doubled} addresses got the welcome twice`);
    if (lost > 0) failures.push(`${lost} subscribers never got the welcome`);
    if (strangers > 0) failures.push(`${strangers} welcomes went to addresses that are not subscribers`);
    rows.push({ figure: "API RSS / worker RSS at the end", value: `${await api.rssMb()} MB / ${await worker.rssMb()} MB`, target: "worker ≤ 250 MB" });
  } finally {
    for (const child of children.reverse()) await child.stop();
    await admin.unsafe(`drop database if exists ${dbName} with (force)`);
    await admin.end();
    const redis = new Redis(REDIS_URL);
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.unlink(...keys);
    redis.disconnect();
  }
}

interface Receipt {
  to: string;
  step: string | undefined;
  receivedAt: number;
}

async function fetchReceipts(fakeUrl: string): Promise<Receipt[]> {
  return (await (await fetch(`${fakeUrl}/_receipts`)).json()) as Receipt[];
}

async function waitForReceipts(fakeUrl: string, done: (r: Receipt[]) => boolean, timeoutMs: number): Promise<Receipt[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const receipts = await fetchReceipts(fakeUrl);
    if (done(receipts)) return receipts;
    if (Date.now() > deadline) {
      failures.push(`timed out waiting for the provider to accept every email (${receipts.length} so far)`);
      return receipts;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

function printTable() {
  const w1 = Math.max(...rows.map((r) => r.figure.length), 6);
  const w2 = Math.max(...rows.map((r) => r.value.length), 5);
  console.log(`\n${"figure".padEnd(w1)} | ${"value".padEnd(w2)} | target`);
  console.log(`${"-".repeat(w1)}-|-${"-".repeat(w2)}-|-------`);
  for (const r of rows) console.log(`${r.figure.padEnd(w1)} | ${r.value.padEnd(w2)} | ${r.target}`);
}

main()
  .catch((error: unknown) => {
    failures.push(`bench crashed: ${(error as Error).stack ?? String(error)}`);
  })
  .finally(() => {
    printTable();
    if (failures.length > 0) {
      console.error(`\nCORRECTNESS FAILURES:\n- ${failures.join("\n- ")}`);
      process.exit(1);
    }
    console.log("\nall correctness checks passed");
    process.exit(0);
  });
