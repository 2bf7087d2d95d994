import { randomBytes } from "node:crypto";
import { Writable } from "node:stream";
import postgres from "postgres";
import { inject } from "vitest";
import { createApp } from "../../src/app.js";
import type { SequenceDefinition } from "../../src/campaign/sequence.js";
import { parseConfig } from "../../src/config.js";
import { appDeps, createDeps, type Deps, type ReadyConfig } from "../../src/deps.js";
import { createLogger } from "../../src/logger.js";
import { startWorkers, type RunningWorkers } from "../../workers/index.js";
import { databaseUrl, queueEnv, queuePrefix, templateName, testDatabaseUrl } from "./env.js";
import { startFakeResend, type FakeResend, type FakeResendOptions } from "./fake-resend.js";
import { waitFor } from "./wait.js";

export { waitFor };

export const TEST_SECRET = "test-secret-".padEnd(48, "x");
export const TEST_API_KEY = "re_test_key_that_must_never_be_logged";
/** DATABASE_POOL_SIZE of a test stack and of the worker processes tests start. */
export const TEST_POOL_SIZE = 4;

export interface StackOptions {
  /** Use the fake Resend API (default) or the outbox transport. */
  transport?: "resend" | "outbox";
  fake?: FakeResendOptions;
  env?: Record<string, string>;
  /** As bootstrap resolves it when it made a development ADMIN_TOKEN (src/bootstrap.ts). */
  developmentAdmin?: boolean;
  /** Another sequence definition (src/deps.ts createDeps overrides). */
  sequence?: SequenceDefinition;
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
  const admin = postgres(testDatabaseUrl(), { max: 1, onnotice: () => {} });
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
    // A test file's load needs fewer than production's 10 (and drizzle's 3): test files run side
    // by side as far as their connections fit one budget (tests/support/connection-budget.ts).
    DATABASE_POOL_SIZE: String(TEST_POOL_SIZE),
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
  const deps = createDeps(ready, logger, options.sequence ? { sequence: options.sequence } : {});
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

/** Logs in on the admin's login page, as a browser on `origin` would; returns the session cookie. */
export async function adminSessionCookie(stack: TestStack, token: string, origin: string): Promise<string> {
  const login = await stack.app.request("/admin/login", {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", origin },
    body: new URLSearchParams({ password: token }).toString(),
  });
  return /^([^;]+)/.exec(login.headers.get("set-cookie") ?? "")![1]!;
}

export function postJson(stack: TestStack, body: unknown, headers: Record<string, string> = {}) {
  return stack.app.request("/api/subscribe", {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
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
    return settled && now;
  }, timeoutMs, "the enqueues after the commits", 100);
}

/** The states a message row ends in: sent, or given up. No claim takes such a row again. */
export const TERMINAL_STATES: readonly string[] = ["sent", "failed", "cancelled"];

/**
 * Waits until `read` returns rows and every one of them is terminal (TERMINAL_STATES); returns
 * them. The rows' SQL stays with the test that knows its tables.
 */
export async function waitForRowsTerminal<R extends { state: string }>(
  read: () => Promise<R[]>,
  timeoutMs = 10_000,
  what = "every row to be sent, failed or cancelled",
): Promise<R[]> {
  return waitFor(async () => {
    const rows = await read();
    return rows.length > 0 && rows.every((r) => TERMINAL_STATES.includes(r.state)) && rows;
  }, timeoutMs, what);
}

export interface DrainOptions {
  /**
   * Delayed jobs due more than this many ms from now may stay: on a scaled clock the later steps
   * of the file's other readers wait in the queue for seconds. Unset: no job may stay.
   */
  laterThanMs?: number;
  timeoutMs?: number;
}

/** Send-queue jobs that are running or still to run (on either queue backend). */
async function sendJobsToRun(stack: TestStack, laterThanMs: number | undefined): Promise<number> {
  const queue = stack.deps.queues.send;
  const counts = await queue.getJobCounts("waiting", "active", "prioritized", "delayed");
  const now = (counts.waiting ?? 0) + (counts.active ?? 0) + (counts.prioritized ?? 0);
  if (laterThanMs === undefined || !counts.delayed) return now + (counts.delayed ?? 0);
  const until = Date.now() + laterThanMs;
  const delayed = await queue.getDelayed();
  return now + delayed.filter((job) => job.timestamp + job.delay <= until).length;
}

/** Waits until the send queue holds no job waiting, active, prioritized or delayed. */
export async function waitForQueueDrained(stack: TestStack, options: DrainOptions = {}): Promise<void> {
  await waitFor(async () => (await sendJobsToRun(stack, options.laterThanMs)) === 0, options.timeoutMs ?? 10_000, "the send queue to drain");
}

/** Reconciler passes finished in this process (the workers count them in deps.metrics). */
async function reconcilerPasses(stack: TestStack): Promise<number> {
  const { values } = await stack.deps.metrics.reconcilerRuns.get();
  return values.reduce((sum, v) => sum + v.value, 0);
}

/**
 * Waits until `passes` more reconciler passes have finished in this process (stack.startWorkers
 * runs one every 500 ms). The first may have begun before the call, so 2 passes mean at least
 * one whole pass after it: whatever the reconciler would add or repair has been offered.
 */
export async function waitForReconcilerPasses(stack: TestStack, passes = 2, timeoutMs = 10_000): Promise<void> {
  const from = await reconcilerPasses(stack);
  await waitFor(async () => (await reconcilerPasses(stack)) >= from + passes, timeoutMs, `${passes} reconciler passes`);
}

export interface QuietOptions extends DrainOptions {
  /** Reconciler passes to wait for first (default 2; 0 when no reconciler runs in this process). */
  reconcilerPasses?: number;
}

/**
 * The positive signal to wait for before asserting that nothing more was sent: (1) the
 * reconciler has passed (nothing left for it to revive), (2) the send queue holds no job that
 * could still run, and (3) the fake provider holds no request and answered none between two
 * checks that both found the queue drained. Only then is "still one email" a fact, not a guess.
 */
export async function waitForQuiet(stack: TestStack, options: QuietOptions = {}): Promise<void> {
  const passes = options.reconcilerPasses ?? 2;
  if (passes > 0) await waitForReconcilerPasses(stack, passes, options.timeoutMs);
  const fake = stack.fake;
  let last: string | undefined;
  await waitFor(async () => {
    const jobs = await sendJobsToRun(stack, options.laterThanMs);
    const provider = fake ? `${fake.requests.length}/${fake.inFlight()}` : "outbox";
    const seen = jobs === 0 && (!fake || fake.inFlight() === 0) ? provider : undefined;
    const quiet = seen !== undefined && seen === last;
    last = seen;
    return quiet;
  }, options.timeoutMs ?? 10_000, "the send queue to drain and the provider to settle", 50);
}
