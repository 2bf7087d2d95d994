import { randomBytes } from "node:crypto";
import autocannon from "autocannon";
import postgres from "postgres";
import { Redis } from "ioredis";
import { firstLine, startChild, waitForHttp, type Child } from "./processes.js";

/**
 * (3) + (4): a burst of signups against a provider limited to `rate` requests/s and `batch`
 * emails a request, as Resend is by default (2/s, 100). The floor is signups / (rate × batch)
 * seconds; efficiency = floor / measured. Resident memory of the API and the worker is sampled
 * through the burst. Correctness: every subscriber gets exactly one welcome.
 */
export interface BurstOptions {
  backend: "redis" | "postgres";
  baseDatabaseUrl: string;
  redisUrl: string;
  signups: number;
  rate: number;
  batch: number;
}

export interface BurstResult {
  figures: Map<string, string>;
  failures: string[];
}

export async function runBurst(o: BurstOptions): Promise<BurstResult> {
  const figures = new Map<string, string>();
  const failures: string[] = [];
  const children: Child[] = [];
  const runId = randomBytes(3).toString("hex");
  const dbName = `fur_burst_${runId}`;
  const admin = postgres(o.baseDatabaseUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${dbName}`);
  const dbUrl = new URL(o.baseDatabaseUrl);
  dbUrl.pathname = `/${dbName}`;
  const prefix = `fur-burst-${runId}`;
  const db = postgres(dbUrl.toString(), { max: 1 });
  try {
    const fake = startChild("tests/support/fake-resend-cli.ts", ["--port", "0", "--rate-limit", String(o.rate), "--batch-size", String(o.batch)], {});
    children.push(fake);
    const fakeUrl = await firstLine(fake);
    const apiPort = 3900 + Math.floor(Math.random() * 90);
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
      RESEND_RATE_LIMIT: String(o.rate),
      RESEND_BATCH_SIZE: String(o.batch),
      SIGNUP_RATE_LIMIT: "0",
      LOG_LEVEL: "warn",
    };
    const api = startChild("src/main.ts", ["api"], env);
    children.push(api);
    await waitForHttp(`http://127.0.0.1:${apiPort}/readyz`);
    const worker = startChild("src/main.ts", ["worker"], env);
    children.push(worker);
    await new Promise((r) => setTimeout(r, 1500)); // the worker's start-up pass

    let apiRss = 0;
    let workerRss = 0;
    const sampler = setInterval(() => {
      void api.rssMb().then((mb) => (apiRss = Math.max(apiRss, mb)));
      void worker.rssMb().then((mb) => (workerRss = Math.max(workerRss, mb)));
    }, 500);

    const started = Date.now();
    let n = 0;
    const load = await autocannon({
      url: `http://127.0.0.1:${apiPort}/api/subscribe`,
      connections: 50,
      amount: o.signups,
      requests: [
        {
          method: "POST",
          headers: { "content-type": "application/json" },
          setupRequest: (req) => ({ ...req, body: JSON.stringify({ email: `burst-${runId}-${n++}@bench.example` }) }),
        },
      ],
    });
    const signupSeconds = (Date.now() - started) / 1000;
    if (load.non2xx > 0 || load.errors > 0) failures.push(`${o.backend} burst: ${load.non2xx} non-2xx, ${load.errors} errors`);

    const floor = o.signups / (o.rate * o.batch);
    const deadline = started + Math.max(600_000, floor * 4 * 1000);
    let welcomes = 0;
    for (;;) {
      const stats = (await (await fetch(`${fakeUrl}/_stats`)).json()) as { accepted: number };
      welcomes = stats.accepted;
      if (welcomes >= o.signups || Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const measured = (Date.now() - started) / 1000;
    clearInterval(sampler);

    const receipts = (await (await fetch(`${fakeUrl}/_receipts`)).json()) as { to: string; step?: string }[];
    const counts = new Map<string, number>();
    for (const r of receipts) if (r.step === "welcome") counts.set(r.to, (counts.get(r.to) ?? 0) + 1);
    const subscribers = (await db`select email from subscribers`).map((r) => String(r.email));
    const lost = subscribers.filter((e) => !counts.has(e)).length;
    const doubled = [...counts.values()].filter((c) => c > 1).length;
    const requests = (await (await fetch(`${fakeUrl}/_stats`)).json()) as { requests: number; byStatus: Record<string, number> };
    figures.set(`burst ${o.signups}: all welcomes accepted`, `${measured.toFixed(1)} s (floor ${floor.toFixed(0)} s)`);
    figures.set("burst efficiency (floor / measured)", `${((floor / measured) * 100).toFixed(1)} %`);
    figures.set("burst signups took / provider requests (429s)", `${signupSeconds.toFixed(1)} s / ${requests.requests} (${requests.byStatus["429"] ?? 0})`);
    figures.set("burst subscribers / welcomes / lost / doubled", `${subscribers.length} / ${counts.size} / ${lost} / ${doubled}`);
    figures.set("API / worker max RSS during the burst (MB)", `${apiRss} / ${workerRss}`);
    if (lost > 0) failures.push(`${o.backend} burst: ${lost} subscribers never got the welcome`);
    if (doubled > 0) failures.push(`${o.backend} burst: ${doubled} welcomes doubled`);
    if (subscribers.length !== o.signups) failures.push(`${o.backend} burst: ${subscribers.length} subscribers for ${o.signups} signups`);
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
