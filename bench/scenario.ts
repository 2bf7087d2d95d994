import autocannon from "autocannon";
import { cpuSeconds, firstLine, machineCpuSeconds, setCpuPriority, startChild } from "./processes.js";
import { checkWelcomes, receipts, startService, WORKER_NICE } from "./service.js";
import { newWebhookSecret } from "../src/notify/signing.js";
import { secretBox } from "../src/notify/secret-box.js";
import { startCrm, type Crm } from "./crm.js";
import { measureRedirects } from "./links.js";

/**
 * (1) signup throughput and latency, (2) 202 → provider acceptance, on one queue backend, with
 * no provider limit in the way. The worker runs at its deployed CPU priority (bench/service.ts)
 * except in (1)'s comparison load. Returns the figures and any correctness failure.
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

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export async function runScenario(o: ScenarioOptions): Promise<ScenarioResult> {
  const figures = new Map<string, string>();
  const failures: string[] = [];
  const service = await startService({ ...o, rate: 1000, batch: 100, limitFake: false });
  const { runId, apiUrl, fakeUrl } = service;
  const waitForWelcomes = async (prefix: string, count: number, timeoutMs: number) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const all = await receipts(fakeUrl);
      const mine = all.filter((r) => r.to.startsWith(prefix));
      if (mine.length >= count) return mine;
      if (Date.now() > deadline) {
        failures.push(`${o.backend}: timed out waiting for the provider to accept every email (${mine.length} of ${count})`);
        return mine;
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  };
  try {
    // (1) Signup throughput and latency at N concurrent clients while the worker sends every
    // welcome as fast as it can: first at the worker's deployed CPU priority (WORKER_NICE, as in
    // docker-compose.yml), then with the worker at the API's priority, after a warm-up load.
    // A production PostgreSQL runs autovacuum, whose ANALYZE keeps the planner's statistics up
    // with the tables as they grow. Where it is off (as on the machine this bench was written
    // on), every plan rests on the defaults for tables never analyzed, and one flips as a table
    // grows (the sequence's read of finished steps turned into a parallel scan of `deliveries`,
    // 40 ms a batch, once the webhook calls had doubled it): each load then starts with the
    // statistics autovacuum would have gathered by then.
    const [{ autovacuum }] = (await service.db`select current_setting('autovacuum') as autovacuum`) as unknown as [{ autovacuum: string }];
    // Section 7's CRM, while it runs: its CPU is shown with the rest.
    let crm: Crm | undefined;
    const signupLoad = async (tag: string, seconds = o.durationSeconds) => {
      if (autovacuum !== "on") await service.db`analyze`;
      let n = 0;
      const groups = { API: service.api, worker: service.worker, "fake provider": service.fake, ...(crm ? { CRM: crm.child } : {}) };
      const cpuBefore = await cpuSeconds(groups);
      const load = await autocannon({
        url: `${apiUrl}/api/subscribe`,
        connections: o.connections,
        duration: seconds,
        requests: [
          {
            method: "POST",
            headers: { "content-type": "application/json" },
            setupRequest: (req) => ({ ...req, body: JSON.stringify({ email: `${tag}-${runId}-${n++}@bench.example` }) }),
          },
        ],
      });
      const cpuAfter = await cpuSeconds(groups);
      if (load.non2xx > 0 || load.errors > 0) failures.push(`${o.backend}: ${load.non2xx} non-2xx and ${load.errors} errors under load`);
      // Count in Postgres: requests in flight when autocannon stopped were served, not counted by it.
      const [{ n: signups }] = (await service.db`
        select count(*)::int as n from subscribers where email like ${`${tag}-${runId}-%`}`) as unknown as [{ n: number }];
      const drainStarted = Date.now();
      await waitForWelcomes(`${tag}-${runId}-`, signups, 300_000);
      // Where the machine's CPU went during the load, per signup served (the worker's share is the
      // welcomes it sent meanwhile; what it sends in the drain is not counted).
      const perSignup = (name: string) =>
        Math.round((((cpuAfter.get(name) ?? 0) - (cpuBefore.get(name) ?? 0)) * 1e6) / Math.max(1, signups));
      return {
        rps: Math.round(load.requests.average),
        latency: `${load.latency.p50} / ${load.latency.p99}`,
        drain: `${signups} in ${((Date.now() - drainStarted) / 1000).toFixed(1)} s`,
        cpu: ["API", "worker", "postgres", "redis", "fake provider", "load generator", ...(crm ? ["CRM"] : [])].map(perSignup).join(" / "),
      };
    };
    // A long-running API is warm: two seconds of the same load first, so the figures are not
    // V8 compiling the signup path (its welcomes are counted and checked like the rest).
    await signupLoad("warm", 2);
    const deployed = await signupLoad("load");
    figures.set("signup req/s", String(deployed.rps));
    figures.set("signup p50 / p99 ms", deployed.latency);
    figures.set("welcomes after the load: count, drain time", deployed.drain);
    figures.set("CPU µs per signup: API / worker / postgres / redis / fake / load gen.", deployed.cpu);
    await setCpuPriority(service.worker, 0);
    const equal = await signupLoad("equal");
    figures.set("worker at the API's priority: signup req/s, p50 / p99 ms", `${equal.rps}, ${equal.latency}`);
    figures.set("worker at the API's priority: drain; CPU µs per signup", `${equal.drain}; ${equal.cpu}`);
    await setCpuPriority(service.worker, WORKER_NICE);

    // (2) Time from 202 to provider acceptance at a steady 20 signups/s.
    const answeredAt = await steadySignups(apiUrl, `steady-${runId}`);
    const accepted = await waitForWelcomes(`steady-${runId}-`, 100, 30_000);
    const delays = accepted
      .filter((r) => answeredAt.has(r.to))
      .map((r) => r.receivedAt - answeredAt.get(r.to)!)
      .sort((a, b) => a - b);
    figures.set("202 → accepted p50 / p95 ms (20/s)", `${percentile(delays, 50)} / ${percentile(delays, 95)}`);

    // (10) A tracked link of those welcomes (the related reading): the time to its redirect.
    const welcomeIds = (await service.db`
      select d.id from deliveries d join subscribers s on s.id = d.subscriber_id
       where s.email like ${`steady-${runId}-%`} and d.step = 'welcome' and d.state = 'sent'`).map((r) => Number(r.id));
    const redirects = await measureRedirects(apiUrl, service.appSecret, welcomeIds);
    figures.set("tracked link → 302 p50 / p95 ms (10 at once)", `${redirects.p50} / ${redirects.p95} (${redirects.count} links)`);
    failures.push(...redirects.failures.map((f) => `${o.backend}: tracked link ${f}`));

    // (7) Outgoing webhooks: two endpoints on a loopback receiver (a CRM and a Zapier, say).
    // Every signup now records two events (created, activated) in its own transaction, compactly
    // (one row per statement and type); the worker expands them into four calls as the
    // endpoints take them. First a steady 20 signups/s: how soon the CRM hears of a signup. Then
    // the same load as (1), twice: what the events cost the signups — against loads with no
    // endpoint before, between and after, so the machine's drift does not count — and how fast
    // the backlog drains at each endpoint's share (50 calls a second a process).
    // A CRM's server keeps connections alive (Node's default is 5 s; the tests' receiver keeps 1 s,
    // which makes undici open a connection per call). It runs in a process of its own: answering
    // calls is not the load generator's work (bench/crm.ts).
    // BENCH_WEBHOOKS=0 leaves this section out (a shorter run for the signup and sending figures).
    if (process.env.BENCH_WEBHOOKS !== "0") {
      crm = await startCrm(5_000);
      try {
        for (const path of ["crm", "zapier"]) {
          await service.db`insert into webhook_endpoints (url, secret) values (${`${crm.url}/${path}`}, ${secretBox(service.appSecret).seal(newWebhookSecret())})`;
        }
        const hookAnsweredAt = await steadySignups(apiUrl, `hooked-${runId}`);
        for (const deadline = Date.now() + 30_000; (await crm.calls()).length < 4 * 100 && Date.now() < deadline; ) {
          await new Promise((r) => setTimeout(r, 100));
        }
        const hookDelays = (await crm.calls())
          .filter((c) => c.type === "subscriber.created")
          .map((c) => (c.email && hookAnsweredAt.has(c.email) ? c.at - hookAnsweredAt.get(c.email)! : undefined))
          .filter((d): d is number => d !== undefined)
          .sort((a, b) => a - b);
        figures.set("202 → webhook receipt p50 / p95 ms (20/s)", `${percentile(hookDelays, 50)} / ${percentile(hookDelays, 95)}`);
        if (hookDelays.length < 200) failures.push(`${o.backend}: ${200 - hookDelays.length} steady signups never reached the receiver`);

        await service.db`update webhook_endpoints set status = 'disabled'`;
        const before = await signupLoad("unhooked-before");
        await service.db`update webhook_endpoints set status = 'enabled'`;
        const hooked = await signupLoad("hooks");
        const [{ n: events }] = (await service.db`
          select ((select count(*) from webhook_events where type <> 'webhook.test')
                  + (select coalesce(sum(cardinality(subscriber_ids)), 0) from webhook_event_batches))::int as n`) as unknown as [{ n: number }];
        // The measured window: 15 s of the backlog draining, after 5 s for what the load left
        // (the stats fold) — what a call costs the machine: the worker, PostgreSQL, and the CRM on
        // loopback (shown apart: a real one is not on this machine).
        await new Promise((r) => setTimeout(r, 5_000));
        const drainFrom = (await crm.calls()).length;
        const drainGroups = { worker: service.worker, CRM: crm.child };
        const [machineFrom, groupsFrom] = [await machineCpuSeconds(), await cpuSeconds(drainGroups)];
        await new Promise((r) => setTimeout(r, 15_000));
        const calls = (await crm.calls()).length - drainFrom;
        const [machineTo, groupsTo] = [await machineCpuSeconds(), await cpuSeconds(drainGroups)];
        const drained = Math.round(calls / 15);
        // The rest of the backlog would take minutes at the endpoints' share: cancelled, so that
        // it does not weigh on what follows.
        const cancelBacklog = async () => {
          await service.db`update webhook_endpoints set status = 'disabled'`;
          await service.db`delete from webhook_event_batches`;
          await service.db`update deliveries set state = 'cancelled' where kind = 'webhook' and state = 'scheduled'`;
        };
        await cancelBacklog();
        // What the machine spends with nothing to do (the service's loops, this process, the
        // system) over the same 15 s, so that the figure per call is the calls' alone.
        await new Promise((r) => setTimeout(r, 2_000));
        const [idleFrom, idleGroupsFrom] = [await machineCpuSeconds(), await cpuSeconds(drainGroups)];
        await new Promise((r) => setTimeout(r, 15_000));
        const [idleTo, idleGroupsTo] = [await machineCpuSeconds(), await cpuSeconds(drainGroups)];
        const perCall = (busy: number, idle: number) => Math.round(((busy - idle) * 1e6) / Math.max(1, calls));
        const groupPerCall = (name: string) => {
          const of = (m: Map<string, number>) => m.get(name) ?? 0;
          return perCall(of(groupsTo) - of(groupsFrom), of(idleGroupsTo) - of(idleGroupsFrom));
        };
        const machinePerCall = perCall(machineTo - machineFrom, idleTo - idleFrom);
        figures.set(
          "CPU µs per webhook call while the backlog drains, idle subtracted: machine / worker / CRM",
          `${machinePerCall} / ${groupPerCall("worker")} / ${groupPerCall("CRM")}`,
        );
        const after = await signupLoad("unhooked-after");
        // The same pair twice more: this machine drifts by as much as the difference measured, so
        // the share compares the means of alternating loads (none, 2, none, 2, none, 2, none).
        const loads = [before, hooked, after];
        for (let pair = 2; pair <= HOOKED_LOADS; pair++) {
          await service.db`update webhook_endpoints set status = 'enabled'`;
          loads.push(await signupLoad(`hooks-${pair}`));
          await cancelBacklog();
          loads.push(await signupLoad(`unhooked-after-${pair}`));
        }
        const mean = (some: { rps: number }[]) => some.reduce((sum, l) => sum + l.rps, 0) / some.length;
        const none = mean(loads.filter((_, i) => i % 2 === 0));
        figures.set("signup req/s, alternating: no endpoint / 2 endpoints / none …", loads.map((l) => l.rps).join(" / "));
        figures.set("signup req/s with 2 webhook endpoints, share of none", `${Math.round((100 * mean(loads.filter((_, i) => i % 2 === 1))) / none)} %`);
        figures.set("with 2 webhook endpoints: signup p50 / p99 ms", hooked.latency);
        // The third: a load with no endpoint after a hooked one (the drift named in docs/performance.md,
        // "Outgoing webhooks").
        figures.set("CPU µs per signup as in (1), and CRM: no endpoint before → 2 endpoints → none after", `${before.cpu} → ${hooked.cpu} → ${after.cpu}`);
        figures.set("webhook events recorded in all, calls drained a second (2 endpoints)", `${events}, ${drained}/s`);
        // An event goes to both endpoints under one webhook-id: a repeat is the same id at the same endpoint.
        const received = await crm.calls();
        const ids = received.map((c) => `${c.path} ${c.webhookId}`);
        const repeats = ids.length - new Set(ids).size;
        figures.set("webhook calls received / repeated", `${received.length} / ${repeats}`);
      } finally {
        await crm.close();
        crm = undefined;
      }
    }

    const check = await checkWelcomes(service);
    figures.set("subscribers / welcomes / lost / doubled", `${check.subscribers} / ${check.welcomes} / ${check.lost} / ${check.doubled}`);
    if (check.doubled > 0) failures.push(`${o.backend}: ${check.doubled} addresses got the welcome twice`);
    if (check.lost > 0) failures.push(`${o.backend}: ${check.lost} subscribers never got the welcome`);
    if (check.strangers > 0) failures.push(`${o.backend}: ${check.strangers} welcomes to addresses that are not subscribers`);
    figures.set("API / worker RSS MB", `${await service.api.rssMb()} / ${await service.worker.rssMb()}`);
  } finally {
    await service.stop();
  }
  return { figures, failures };
}

/** Section 7's loads with endpoints, each between two without. */
const HOOKED_LOADS = 3;

/** 100 signups at a steady 20 a second; when each was answered 202, by address. */
async function steadySignups(apiUrl: string, prefix: string): Promise<Map<string, number>> {
  const answeredAt = new Map<string, number>();
  const steady: Promise<void>[] = [];
  for (let i = 0; i < 100; i++) {
    const email = `${prefix}-${i}@bench.example`;
    steady.push(
      fetch(`${apiUrl}/api/subscribe`, {
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
  return answeredAt;
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
