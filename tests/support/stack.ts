import { randomBytes } from "node:crypto";
import { Writable } from "node:stream";
import postgres from "postgres";
import { inject } from "vitest";
import { createApp } from "../../src/app.js";
import { parseConfig } from "../../src/config.js";
import { appDeps, createDeps, type Deps, type ReadyConfig } from "../../src/deps.js";
import { createLogger } from "../../src/logger.js";
import { startWorkers, type RunningWorkers } from "../../workers/index.js";
import { databaseUrl, queueEnv, queuePrefix, templateName, TEST_DATABASE_URL } from "./env.js";
import { startFakeResend, type FakeResend, type FakeResendOptions } from "./fake-resend.js";

export const TEST_SECRET = "test-secret-".padEnd(48, "x");
export const TEST_API_KEY = "re_test_key_that_must_never_be_logged";

export interface StackOptions {
  /** Use the fake Resend API (default) or the outbox transport. */
  transport?: "resend" | "outbox";
  fake?: FakeResendOptions;
  env?: Record<string, string>;
  /** As bootstrap resolves it when it made a development ADMIN_TOKEN (src/bootstrap.ts). */
  developmentAdmin?: boolean;
}

export interface TestStack {
  deps: Deps;
  config: ReadyConfig;
  app: ReturnType<typeof createApp>;
  fake: FakeResend | undefined;
  /** Every log line written, to check what never reaches a log. */
  logs: string[];
  /** A database URL of its own, for raw checks. */
  databaseUrl: string;
  startWorkers(): Promise<RunningWorkers>;
  close(): Promise<void>;
}

/**
 * A real stack for one test file: its own database (cloned from the run's migrated template),
 * its own Redis key prefix, real BullMQ, the real resend SDK pointed at a local fake.
 */
export async function createStack(options: StackOptions = {}): Promise<TestStack> {
  const runId = inject("runId");
  const suffix = randomBytes(3).toString("hex");
  const dbName = `fur_t_${runId}_${suffix}`;
  const admin = postgres(TEST_DATABASE_URL, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${dbName} template ${templateName(runId)}`);
  await admin.end();

  const fake = options.transport === "outbox" ? undefined : await startFakeResend(options.fake);
  const config = parseConfig({
    NODE_ENV: "test",
    LOG_LEVEL: "debug",
    DATABASE_URL: databaseUrl(dbName),
    ...queueEnv(),
    QUEUE_PREFIX: `${queuePrefix(runId)}-${suffix}`,
    APP_SECRET: TEST_SECRET,
    PUBLIC_URL: "http://guide.test",
    SIGNUP_RATE_LIMIT: "0",
    ...(fake ? { RESEND_API_KEY: TEST_API_KEY, RESEND_BASE_URL: fake.url, RESEND_RATE_LIMIT: "50" } : {}),
    ...options.env,
  });
  const ready: ReadyConfig = {
    ...config,
    databaseUrl: config.databaseUrl!,
    appSecret: config.appSecret!,
    ...(options.developmentAdmin ? { developmentAdmin: true } : {}),
  };
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      logs.push(String(chunk));
      done();
    },
  });
  const logger = createLogger("debug", sink);
  const deps = createDeps(ready, logger);
  const app = createApp(appDeps(deps));
  const running: RunningWorkers[] = [];

  return {
    deps,
    config: ready,
    app,
    fake,
    logs,
    databaseUrl: databaseUrl(dbName),
    async startWorkers() {
      const workers = await startWorkers(deps, { concurrency: 4, reconcileEveryMs: 500 });
      running.push(workers);
      return workers;
    },
    async close() {
      await Promise.all(running.map((w) => w.close()));
      await deps.close();
      await fake?.close();
    },
  };
}

export function postJson(stack: TestStack, body: unknown, headers: Record<string, string> = {}) {
  return stack.app.request("/api/subscribe", {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
}

export async function waitFor<T>(check: () => Promise<T | undefined | false>, timeoutMs = 5000, what = "condition"): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export function uniqueEmail(label = "reader"): string {
  return `${label}-${randomBytes(4).toString("hex")}@example.com`;
}

/**
 * Waits until the send queue's waiting jobs stop changing and there are some: the jobs of a
 * signup are added after its commit (and its 202), one per batch's worth of rows. Returns the count.
 */
export async function settledSendJobs(stack: TestStack, timeoutMs = 5000): Promise<number> {
  let last = -1;
  return waitFor(async () => {
    const now = await stack.deps.queues.send.getJobCountByTypes("wait", "delayed", "prioritized");
    const settled = now === last && now > 0;
    last = now;
    if (!settled) await new Promise((r) => setTimeout(r, 100));
    return settled && now;
  }, timeoutMs, "the enqueues after the commits");
}
