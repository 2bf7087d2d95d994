import { randomBytes } from "node:crypto";
import postgres from "postgres";
import { Redis } from "ioredis";
import { firstLine, setCpuPriority, startChild, waitForHttp, type Child } from "./processes.js";

/**
 * The service as the bench runs it: a scratch database, a fake Resend API, the API and the worker
 * as separate processes (the worker starts once the API answers, so they never race on the first
 * migration). `stop()` ends the processes and removes the database and the Redis keys.
 */
export const WORKER_NODE_OPTIONS = "--max-old-space-size=192";
/**
 * The worker's CPU priority, as docker-compose.yml gives it (cpu_shares 128 against the API's
 * default 1024 is the weight of nice 9): when the machine is short of CPU, readers waiting on the
 * API come first and the sending catches up after the rush.
 */
export const WORKER_NICE = 9;

export interface ServiceOptions {
  backend: "redis" | "postgres";
  baseDatabaseUrl: string;
  redisUrl: string;
  /** Provider requests per second (the fake enforces it, the service keeps to it). */
  rate: number;
  /** Emails per batch request (the fake enforces it, the service uses it). */
  batch: number;
  /** Also limit the fake to `rate` (the burst); otherwise it accepts any rate. */
  limitFake: boolean;
  /** More settings for the API and the worker (the slow-body flood raises MAX_CONNECTIONS_PER_CLIENT). */
  env?: Record<string, string>;
}

export interface Service {
  apiUrl: string;
  fakeUrl: string;
  runId: string;
  /** The service's APP_SECRET (a webhook endpoint written directly needs its secret sealed with it). */
  appSecret: string;
  /** A connection to the scratch database, for the correctness checks. */
  db: postgres.Sql;
  api: Child;
  worker: Child;
  fake: Child;
  stop(): Promise<void>;
}

export async function startService(o: ServiceOptions): Promise<Service> {
  const runId = randomBytes(3).toString("hex");
  const dbName = `fur_bench_${runId}`;
  const admin = postgres(o.baseDatabaseUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${dbName}`);
  const dbUrl = new URL(o.baseDatabaseUrl);
  dbUrl.pathname = `/${dbName}`;
  const prefix = `fur-bench-${runId}`;
  const db = postgres(dbUrl.toString(), { max: 1 });
  const children: Child[] = [];
  const stop = async () => {
    for (const child of children.reverse()) await child.stop();
    await db.end();
    await admin.unsafe(`drop database if exists ${dbName} with (force)`);
    await admin.end();
    if (o.backend === "redis") {
      const redis = new Redis(o.redisUrl);
      const keys = await redis.keys(`${prefix}*`);
      // In slices: a run that left 100,000 jobs would overflow the call's argument list.
      for (let i = 0; i < keys.length; i += 10_000) await redis.unlink(...keys.slice(i, i + 10_000));
      redis.disconnect();
    }
  };
  try {
    const fakeArgs = ["--port", "0", "--batch-size", String(o.batch), "--no-bodies", ...(o.limitFake ? ["--rate-limit", String(o.rate)] : [])];
    const fake = startChild("tests/support/fake-resend-cli.ts", fakeArgs, {});
    children.push(fake);
    const fakeUrl = await firstLine(fake);
    const apiPort = 3400 + Math.floor(Math.random() * 600);
    const appSecret = randomBytes(32).toString("hex");
    const env: Record<string, string> = {
      DATABASE_URL: dbUrl.toString(),
      QUEUE_BACKEND: o.backend,
      ...(o.backend === "redis" ? { REDIS_URL: o.redisUrl } : {}),
      QUEUE_PREFIX: prefix,
      PORT: String(apiPort),
      HOST: "127.0.0.1",
      APP_SECRET: appSecret,
      RESEND_API_KEY: "re_bench",
      RESEND_BASE_URL: fakeUrl,
      RESEND_RATE_LIMIT: String(o.rate),
      RESEND_BATCH_SIZE: String(o.batch),
      SIGNUP_RATE_LIMIT: "0",
      // The bench's webhook receiver is on loopback (section 7).
      WEBHOOK_ALLOW_PRIVATE_URLS: "true",
      // The welcome's related-reading link goes through GET /l/:token (section 8).
      RELATED_READING_STARTER_URL: "https://clinic.example/sciatica-starter-guide",
      LOG_LEVEL: "warn",
      ...o.env,
    };
    // The production artifact (`npm run build`, what the Dockerfile runs) unless BENCH_RUNTIME=tsx.
    const main = process.env.BENCH_RUNTIME === "tsx" ? "main.ts" : "dist/main.js";
    const api = startChild(main, ["api"], env);
    children.push(api);
    const apiUrl = `http://127.0.0.1:${apiPort}`;
    await waitForHttp(`${apiUrl}/readyz`);
    // The worker's heap is capped as in the Docker image (WORKER_NODE_OPTIONS there): V8 otherwise
    // grows its heap lazily on a large machine, and memory is part of what is measured.
    const worker = startChild(main, ["worker"], { ...env, NODE_OPTIONS: WORKER_NODE_OPTIONS });
    children.push(worker);
    await setCpuPriority(worker, WORKER_NICE);
    return { apiUrl, fakeUrl, runId, appSecret, db, api, worker, fake, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

export interface Receipt {
  to: string;
  step: string | undefined;
  receivedAt: number;
}

export async function receipts(fakeUrl: string): Promise<Receipt[]> {
  try {
    return (await (await fetch(`${fakeUrl}/_receipts`)).json()) as Receipt[];
  } catch (error) {
    throw new Error(`reading the fake provider's receipts failed: ${String((error as Error).cause ?? error)}`);
  }
}

/** Every subscriber in the database got exactly one welcome: returns what is off. */
export async function checkWelcomes(service: Service): Promise<{ subscribers: number; welcomes: number; lost: number; doubled: number; strangers: number }> {
  const counts = new Map<string, number>();
  for (const r of await receipts(service.fakeUrl)) if (r.step === "welcome") counts.set(r.to, (counts.get(r.to) ?? 0) + 1);
  const subscribers = new Set((await service.db`select email from subscribers`).map((r) => String(r.email)));
  return {
    subscribers: subscribers.size,
    welcomes: counts.size,
    lost: [...subscribers].filter((e) => !counts.has(e)).length,
    doubled: [...counts.values()].filter((c) => c > 1).length,
    strangers: [...counts.keys()].filter((e) => !subscribers.has(e)).length,
  };
}
