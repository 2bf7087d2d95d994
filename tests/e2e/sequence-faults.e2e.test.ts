import type { ChildProcess } from "node:child_process";
import postgres from "postgres";
import { afterAll, describe, expect, it } from "vitest";
import { CLAIM_LEASE_SECONDS } from "../../src/deps.js";
import { needsConnections } from "../support/connection-budget.js";
import { testDatabaseUrl } from "../support/env.js";
import { startWorkerProcess, untilRunning } from "../support/worker-process.js";
import { wipeQueueStore } from "../support/queue-faults.js";
import {
  createStack,
  postJson,
  uniqueEmail,
  waitFor,
  waitForQuiet,
  waitForRowsTerminal,
  type TestStack,
} from "../support/stack.js";

/**
 * The sequence against every fault we can inject, with the worker as a separate process — the
 * way it runs in production. 60 subscribers go through all seven of their steps while the test
 *  1. SIGKILLs the worker mid-sequence (claims and provider calls in flight), deletes everything
 *     the queue store held for this stack (its Redis keys / its BullMQ tables) and restarts it;
 *  2. has the provider rate-limit hard (429s), then answer a storm of 5xx, lost responses and 429s;
 *  3. cuts the worker off Postgres: the database refuses connections for a few seconds and every
 *     open connection is terminated (a restart as the client sees it; the machine's PostgreSQL
 *     itself is shared and is not restarted).
 * Then every subscriber must have every step exactly once, in order.
 */
const SUBSCRIBERS = 60;
/** The default sequence for readers who never answer the check-in (the closing email is their last). */
const STEPS = ["welcome", "triggers", "positions", "mistakes", "red-flags", "check-in", "closing"];
// A day lasts 3 s: the sequence (14 days) takes 42 s, long enough for three faults to land mid-way.
const SCALE = String(86400 / 3);

needsConnections({ workerProcesses: 1 });

function startWorker(stack: TestStack, output: string[]): ChildProcess {
  return startWorkerProcess(stack, { SEQUENCE_TIME_SCALE: SCALE, WORKER_CONCURRENCY: "8" }, output);
}

function stepOf(tags: { name: string; value: string }[] | undefined): string {
  return tags?.find((t) => t.name === "step")?.value ?? "?";
}

describe("the drip sequence under faults: a separate worker process, killed, wiped, stormed, cut off", () => {
  let stack: TestStack | undefined;
  let worker: ChildProcess | undefined;
  const admin = postgres(testDatabaseUrl(), { max: 1, onnotice: () => {} });
  let dbName = "";

  afterAll(async () => {
    if (dbName) await admin.unsafe(`alter database "${dbName}" allow_connections true`).catch(() => {});
    if (worker && worker.exitCode === null) {
      const exited = new Promise((r) => worker!.once("exit", r));
      process.kill(-worker.pid!, "SIGTERM");
      await exited;
    }
    await stack?.close();
    await admin.end();
  });

  it(`${SUBSCRIBERS} subscribers × ${STEPS.length} steps: every email exactly once, in order`, async () => {
    stack = await createStack({ env: { SEQUENCE_TIME_SCALE: SCALE } });
    const fake = stack.fake!;
    dbName = new URL(stack.databaseUrl).pathname.slice(1);
    const output: string[] = [];
    let restarts = 0;
    const crashes: string[] = [];
    const restart = async () => {
      const from = output.length;
      worker = startWorker(stack!, output);
      await untilRunning(worker, output, from);
    };
    await restart();

    const started = Date.now();
    const emails: string[] = [];
    // Staggered signups (one every 150 ms), so the faults find subscribers at every step. This
    // pause is the scenario (arrivals spread over time), not a wait before asserting.
    for (let i = 0; i < SUBSCRIBERS; i++) {
      const email = uniqueEmail(`fault${i}`);
      emails.push(email);
      expect((await postJson(stack, { email })).status).toBe(202);
      await new Promise((r) => setTimeout(r, 150));
    }
    const expected = SUBSCRIBERS * STEPS.length;
    // Waits until the provider has accepted `share` of the emails (each (to, step) counted once).
    const uniqueAccepted = () => new Set(fake.accepted.map((e) => `${e.to[0]} ${stepOf(e.tags)}`)).size;
    const progress = (share: number, timeoutMs = 180_000) =>
      waitFor(async () => {
        if (worker!.exitCode !== null || worker!.signalCode !== null) {
          // Like the compose file's `restart: unless-stopped`: a worker that dies is started
          // again — and every crash is reported (docs/operations.md: the known issue of postgres.js
          // and lost connections).
          const lines = output.join("").slice(-4000).split("\n");
          const thrown = lines.findIndex((l) => /^\w*Error: /.test(l));
          crashes.push(thrown >= 0 ? `${lines[thrown]} ${lines[thrown + 1]?.trim() ?? ""}` : `exit ${worker!.exitCode ?? worker!.signalCode}`);
          if (crashes.length > 3) throw new Error(`the worker died ${crashes.length} times:\n${output.join("").slice(-6000)}`);
          await restart();
          return false;
        }
        return uniqueAccepted() >= expected * share;
      }, timeoutMs, `${share * 100} % of the emails`, 50).catch((error: Error) => {
        throw new Error(`${error.message} (${uniqueAccepted()}/${expected}):\n${output.join("").slice(-6000)}`);
      });

    // 1. Kill -9 while provider calls are in flight (the fake holds each for 300 ms), wipe the
    //    queue store, restart.
    await progress(0.2);
    fake.setLatency(300);
    await waitFor(async () => fake.inFlight() > 0, 30_000, "a provider call in flight");
    process.kill(-worker!.pid!, "SIGKILL");
    await new Promise((r) => worker!.once("exit", r));
    const atKill = fake.accepted.length;
    // No worker runs: every claim is the killed one's. Their lease runs out, as 60 s later it
    // would (the stored claim times moved back rather than waited for).
    const orphans = await stack.deps.db.sql`
      update deliveries set claimed_at = claimed_at - make_interval(secs => ${CLAIM_LEASE_SECONDS + 1})
       where state = 'sending' returning id`;
    await wipeQueueStore(stack);
    fake.setLatency(0);
    restarts++;
    await restart();

    // 2. Provider storm: a team rate limit far below our RESEND_RATE_LIMIT for four seconds
    //    (429s), then 5xx, responses lost after the email was accepted, and scripted 429s.
    await progress(0.45);
    const atStorm = fake.accepted.length;
    fake.setRateLimit(1);
    await new Promise((r) => setTimeout(r, 4000)); // the scenario: the provider's limit stays low for four seconds
    fake.setRateLimit(undefined);
    fake.failNext(20, 503);
    fake.failNext(5, 500, undefined, { afterAccept: true });
    fake.failNext(10, 429, undefined, { headers: { "retry-after": "1" } });
    fake.failNext(20, 502);

    // 3. Postgres goes away for three seconds: no new connections, every open one terminated.
    await progress(0.7);
    const atOutage = fake.accepted.length;
    await admin.unsafe(`alter database "${dbName}" allow_connections false`);
    const [{ terminated }] = (await admin`
      select count(*)::int as terminated from (
        select pg_terminate_backend(pid) from pg_stat_activity where datname = ${dbName} and pid <> pg_backend_pid()
      ) t`) as unknown as [{ terminated: number }];
    await new Promise((r) => setTimeout(r, 3000)); // the scenario: the outage lasts three seconds
    await admin.unsafe(`alter database "${dbName}" allow_connections true`);

    // Every step for everyone.
    await progress(1, 240_000);
    const elapsedMs = Math.max(...fake.accepted.map((e) => e.receivedAt)) - started;
    // Nothing more may go out: every delivery is terminal (no claim can take it again), the queue
    // holds no job, and the provider is idle. (The reconciler runs in the worker process.)
    await waitForRowsTerminal(() => stack!.deps.db.sql<{ state: string }[]>`select state::text from deliveries`, 60_000);
    await waitForQuiet(stack, { reconcilerPasses: 0, timeoutMs: 60_000 });

    const byRecipient = new Map<string, string[]>();
    for (const e of [...fake.accepted].sort((a, b) => a.receivedAt - b.receivedAt)) {
      const to = e.to[0]!;
      byRecipient.set(to, [...(byRecipient.get(to) ?? []), stepOf(e.tags)]);
    }
    const unique = new Set(fake.accepted.map((e) => `${e.to[0]} ${stepOf(e.tags)}`)).size;
    const figures = {
      subscribers: SUBSCRIBERS,
      emailsExpected: expected,
      emailsAccepted: fake.accepted.length,
      duplicates: fake.accepted.length - unique,
      lost: expected - unique,
      elapsedSeconds: Math.round(elapsedMs / 100) / 10,
      acceptedAtKill: atKill,
      claimsAtKill: orphans.length,
      acceptedAtStorm: atStorm,
      acceptedAtOutage: atOutage,
      connectionsTerminated: terminated,
      providerRequests: fake.stats().byStatus,
      replayedByProvider: fake.stats().replayed,
      queueBackend: stack.config.queueBackend,
      workerKilled: restarts,
      workerCrashes: crashes,
      workerLog: {
        commitRetries: output.join("").split("commit failed; retrying").length - 1,
        fullRebuilds: (output.join("").match(/"full":true,"enqueued":[1-9]/g) ?? []).length,
        sendAttemptsFailed: output.join("").split("send attempt failed").length - 1,
      },
    };
    console.info(`[sequence-faults] ${JSON.stringify(figures)}`);

    for (const email of emails) expect(byRecipient.get(email), email).toEqual(STEPS);
    expect(figures.duplicates).toBe(0);
    expect(figures.lost).toBe(0);
    // The faults did happen where intended: mid-sequence, with work in hand.
    expect(atKill).toBeLessThan(expected);
    expect(atOutage).toBeLessThan(expected);
    expect(terminated).toBeGreaterThan(0);
    expect(fake.stats().byStatus["503"]).toBeGreaterThan(0);
    expect(fake.stats().byStatus["429"]).toBeGreaterThan(0);

    // Postgres agrees: every delivery sent, every enrollment completed.
    const sql = stack.deps.db.sql;
    const states = await sql<{ state: string; n: number }[]>`select state::text, count(*)::int as n from deliveries group by state`;
    expect(states).toEqual([{ state: "sent", n: expected }]);
    const enrollments = await sql<{ state: string; n: number }[]>`select state::text, count(*)::int as n from enrollments group by state`;
    expect(enrollments).toEqual([{ state: "completed", n: SUBSCRIBERS }]);
    expect(output.join("")).not.toMatch(/"level":60/); // nothing fatal
  }, 420_000);
});
