import { randomBytes } from "node:crypto";
import autocannon from "autocannon";
import postgres from "postgres";
import { Redis } from "ioredis";
import { firstLine, startChild, waitForHttp, type Child } from "./processes.js";

/**
 * One backend's run: a scratch database, a fake provider, the API and the worker as separate
 * processes; the load comes from this process. Returns the figures and any correctness failure.
 */
export interface ScenarioOptions {
  backend: "redis" | "postgres";
  baseDatabaseUrl: string;
  redisUrl: string;
  durationSeconds: number;
  connections: number;
}

export interface ScenarioResult {
  figures: Map<string, string>;
  failures: string[];
}

interface Receipt {
  to: string;
  step: string | undefined;
  receivedAt: number;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export async function runScenario(o: ScenarioOptions): Promise<ScenarioResult> {
  const figures = new Map<string, string>();
  const failures: string[] = [];
  const children: Child[] = [];
  const runId = randomBytes(3).toString("hex");
  const dbName = `fur_bench_${runId}`;
  const admin = postgres(o.baseDatabaseUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${dbName}`);
  const dbUrl = new URL(o.baseDatabaseUrl);
  dbUrl.pathname = `/${dbName}`;
  const prefix = `fur-bench-${runId}`;
  const db = postgres(dbUrl.toString(), { max: 1 });

  const waitForReceipts = async (fakeUrl: string, done: (r: Receipt[]) => boolean, timeoutMs: number) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const receipts = (await (await fetch(`${fakeUrl}/_receipts`)).json()) as Receipt[];
      if (done(receipts)) return receipts;
      if (Date.now() > deadline) {
        failures.push(`${o.backend}: timed out waiting for the provider to accept every email (${receipts.length} so far)`);
        return receipts;
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  };

  try {
    const fake = startChild("tests/support/fake-resend-cli.ts", ["--port", "0"], {});
    children.push(fake);
    const fakeUrl = await firstLine(fake);
    const apiPort = 3400 + Math.floor(Math.random() * 500);
    const env: Record<string, string> = {
      DATABASE_URL: dbUrl.toString(),
      QUEUE_BACKEND: o.backend,
      ...(o.backend === "redis" ? { REDIS_URL: o.redisUrl } : {}),
      QUEUE_PREFIX: prefix,
      PORT: String(apiPort),
      HOST: "127.0.0.1",
      APP_SECRET: randomBytes(32).toString("hex"),
      RESEND_API_KEY: "re_bench",
      RESEND_BASE_URL: fakeUrl,
      RESEND_RATE_LIMIT: "1000", // no provider limit in the way of these figures
      SIGNUP_RATE_LIMIT: "0",
      LOG_LEVEL: "warn",
    };
    // The API migrates at start; the worker starts once it answers, so they never race.
    const api = startChild("src/main.ts", ["api"], env);
    children.push(api);
    await waitForHttp(`http://127.0.0.1:${apiPort}/readyz`);
    const worker = startChild("src/main.ts", ["worker"], env);
    children.push(worker);

    // (1) Signup throughput and latency at N concurrent clients.
    let n = 0;
    const load = await autocannon({
      url: `http://127.0.0.1:${apiPort}/api/subscribe`,
      connections: o.connections,
      duration: o.durationSeconds,
      requests: [
        {
          method: "POST",
          headers: { "content-type": "application/json" },
          setupRequest: (req) => ({ ...req, body: JSON.stringify({ email: `load-${runId}-${n++}@bench.example` }) }),
        },
      ],
    });
    figures.set("signup req/s", String(Math.round(load.requests.average)));
    figures.set("signup p50 / p99 ms", `${load.latency.p50} / ${load.latency.p99}`);
    if (load.non2xx > 0 || load.errors > 0) failures.push(`${o.backend}: ${load.non2xx} non-2xx and ${load.errors} errors under load`);

    // Every signup gets its welcome. Count in Postgres: requests in flight when autocannon
    // stopped were served but not counted by it.
    const [{ n: loadSignups }] = (await db`
      select count(*)::int as n from subscribers where email like ${`load-${runId}-%`}`) as unknown as [{ n: number }];
    const drainStarted = Date.now();
    await waitForReceipts(fakeUrl, (r) => r.filter((x) => x.to.startsWith(`load-${runId}-`)).length >= loadSignups, 300_000);
    const drainSeconds = (Date.now() - drainStarted) / 1000;
    figures.set("welcomes after the load: count, drain time", `${loadSignups} in ${drainSeconds.toFixed(1)} s`);

    // (2) Time from 202 to provider acceptance at a steady 20 signups/s.
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
    figures.set("202 → accepted p50 / p95 ms (20/s)", `${percentile(delays, 50)} / ${percentile(delays, 95)}`);

    // Correctness over the whole run: every subscriber got one welcome; none lost or doubled.
    const all = (await (await fetch(`${fakeUrl}/_receipts`)).json()) as Receipt[];
    const counts = new Map<string, number>();
    for (const r of all) if (r.step === "welcome") counts.set(r.to, (counts.get(r.to) ?? 0) + 1);
    const subscribers = new Set((await db`select email from subscribers`).map((r) => String(r.email)));
    const lost = [...subscribers].filter((e) => !counts.has(e)).length;
    const doubled = [...counts.values()].filter((c) => c > 1).length;
    const strangers = [...counts.keys()].filter((e) => !subscribers.has(e)).length;
    figures.set("subscribers / welcomes / lost / doubled", `${subscribers.size} / ${counts.size} / ${lost} / ${doubled}`);
    if (doubled > 0) failures.push(`${o.backend}: ${doubled} addresses got the welcome twice`);
    if (lost > 0) failures.push(`${o.backend}: ${lost} subscribers never got the welcome`);
    if (strangers > 0) failures.push(`${o.backend}: ${strangers} welcomes to addresses that are not subscribers`);
    figures.set("API / worker RSS MB", `${await api.rssMb()} / ${await worker.rssMb()}`);
  } finally {
    for (const child of children.reverse()) await child.stop();
    await db.end();
    await admin.unsafe(`drop database if exists ${dbName} with (force)`);
    await admin.end();
    if (o.backend === "redis") {
      const redis = new Redis(o.redisUrl);
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length) await redis.unlink(...keys);
      redis.disconnect();
    }
  }
  return { figures, failures };
}

/** The yardstick: a bare Hono "ok" route under the same load, in the same run. */
export async function measureBareRoute(connections: number, durationSeconds: number): Promise<{ rps: number; p50: number; p99: number }> {
  const bare = startChild("bench/bare-server.ts", ["0"], {});
  try {
    const port = Number(await firstLine(bare));
    const result = await autocannon({ url: `http://127.0.0.1:${port}/ok`, method: "POST", connections, duration: durationSeconds });
    return { rps: Math.round(result.requests.average), p50: result.latency.p50, p99: result.latency.p99 };
  } finally {
    await bare.stop();
  }
}
