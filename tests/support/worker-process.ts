import { spawn, type ChildProcess } from "node:child_process";
import { queueEnv } from "./env.js";
import { TEST_API_KEY, TEST_POOL_SIZE, TEST_SECRET, waitFor, type TestStack } from "./stack.js";

/**
 * `npm run start:worker` as a process of its own on a test stack's database and queue — the way
 * it runs in production — so a test can SIGKILL it. `env` adds to (or overrides) the stack's.
 */
export function startWorkerProcess(stack: TestStack, env: Record<string, string>, output: string[]): ChildProcess {
  const full: Record<string, string> = {
    PATH: process.env.PATH ?? "",
    HOME: process.env.HOME ?? "/tmp",
    NODE_ENV: "test",
    LOG_LEVEL: "info",
    DATABASE_URL: stack.databaseUrl,
    DATABASE_POOL_SIZE: String(TEST_POOL_SIZE),
    ...queueEnv(),
    QUEUE_PREFIX: stack.config.queuePrefix,
    APP_SECRET: TEST_SECRET,
    PUBLIC_URL: "http://guide.test",
    RESEND_API_KEY: TEST_API_KEY,
    RESEND_BASE_URL: stack.fake!.url,
    RESEND_RATE_LIMIT: "50",
    ...env,
  };
  // Its own process group, so a signal reaches tsx and the node process it runs.
  const child = spawn("node_modules/.bin/tsx", ["main.ts", "worker"], { env: full, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  child.stdout!.on("data", (c: Buffer) => output.push(c.toString()));
  child.stderr!.on("data", (c: Buffer) => output.push(c.toString()));
  return child;
}

/** Until the process says it runs (its output from index `from` on). */
export async function untilRunning(child: ChildProcess, output: string[], from: number): Promise<void> {
  await waitFor(async () => {
    if (child.exitCode !== null) throw new Error(`worker exited at start:\n${output.join("").slice(-4000)}`);
    return output.slice(from).join("").includes("Flare-Up Reset is running");
  }, 60_000, "the worker to start", 100).catch((error: Error) => {
    throw new Error(`${error.message}\n${output.join("").slice(-4000)}`);
  });
}

/** SIGKILL: no goodbye, claims and calls left in flight. */
export async function killHard(child: ChildProcess): Promise<void> {
  const exited = new Promise((r) => child.once("exit", r));
  process.kill(-child.pid!, "SIGKILL");
  await exited;
}

/** SIGTERM, and wait for it to go (a test's clean-up). */
export async function stopWorkerProcess(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once("exit", r));
  process.kill(-child.pid!, "SIGTERM");
  await exited;
}

/** A call as a receiver in its own process saw it (tests/support/webhook-receiver-cli.ts). */
export interface RemoteCall {
  webhookId: string;
  type: string;
  at: number;
}

/**
 * The loopback webhook receiver as a process of its own: the arrival times it records are not
 * held up by the test's own event loop (which runs the API), so a rate measured on them is the
 * endpoint's.
 */
export async function startReceiverProcess(): Promise<{ url: string; calls(): Promise<RemoteCall[]>; close(): Promise<void> }> {
  const child = spawn("node_modules/.bin/tsx", ["tests/support/webhook-receiver-cli.ts", "--keep-alive-ms", "5000"], {
    detached: true,
    stdio: ["ignore", "pipe", "inherit"],
  });
  const line = await new Promise<string>((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (c: Buffer) => {
      out += c.toString();
      if (out.includes("\n")) resolve(out.split("\n")[0]!);
    });
    child.once("exit", (code) => reject(new Error(`the receiver exited (${code}) before it listened`)));
  });
  const [url, control] = line.split(" ") as [string, string];
  return {
    url,
    calls: async () => (await (await fetch(`${control}/calls?from=0`)).json()) as RemoteCall[],
    close: () => stopWorkerProcess(child),
  };
}
