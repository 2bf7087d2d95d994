import { readFile } from "node:fs/promises";
import { execSync } from "node:child_process";
import { cpuSeconds } from "./processes.js";
import { startService } from "./service.js";
import { startCrm } from "./crm.js";
import { newWebhookSecret } from "../src/notify/signing.js";
import { secretBox } from "../src/notify/secret-box.js";

/**
 * `npx tsx bench/call-cost.ts`: what one outgoing webhook call costs while a backlog drains, counted
 * where it is spent and nowhere else — the worker process and the PostgreSQL backends of this
 * run's own database — so that other work on the machine or on the server does not count
 * (section 7 of `npm run bench` measures the whole machine and needs it quiet). BENCH_CALLS (1500)
 * signups in one statement, each an event for one endpoint on a loopback receiver; the queue
 * backend is BENCH_BACKENDS (postgres). The worker's CPU with nothing to do over as long is
 * subtracted. Runs the service as `npm run build` left it in dist/.
 */
const calls = Number(process.env.BENCH_CALLS ?? 1500);
const backend = (process.env.BENCH_BACKENDS ?? "postgres") as "postgres" | "redis";

async function main() {
  execSync("npm run --silent build && rm -rf dist/drizzle && cp -r drizzle dist/drizzle", { stdio: "inherit" });
  const service = await startService({
    backend,
    baseDatabaseUrl: process.env.BENCH_DATABASE_URL ?? "postgres://root@127.0.0.1:5432/test",
    redisUrl: process.env.BENCH_REDIS_URL ?? "redis://127.0.0.1:6379",
    rate: 100,
    batch: 100,
    limitFake: false,
  });
  const crm = await startCrm(5_000);
  try {
    await service.db`
      insert into webhook_endpoints (url, secret, events)
      values (${`${crm.url}/crm`}, ${secretBox(service.appSecret).seal(newWebhookSecret())}, ${["subscriber.created"]})`;
    /** The worker's CPU and that of every PostgreSQL backend connected to this run's database. */
    const reading = async () => {
      const pids = await service.db<{ pid: number }[]>`select pid from pg_stat_activity where datname = current_database()`;
      let postgres = 0;
      for (const { pid } of pids) {
        try {
          const fields = (await readFile(`/proc/${pid}/stat`, "utf8")).split(") ")[1]!.split(" ");
          postgres += (Number(fields[11]) + Number(fields[12])) / 100;
        } catch {
          // The backend ended meanwhile.
        }
      }
      // Transactions committed in this database: each statement outside a transaction is one.
      const [{ xacts } = { xacts: 0 }] = await service.db<{ xacts: number }[]>`
        select (xact_commit + xact_rollback)::int as xacts from pg_stat_database where datname = current_database()`;
      return { worker: (await cpuSeconds({ worker: service.worker })).get("worker") ?? 0, postgres, xacts, at: performance.now() };
    };
    const from = await reading();
    await service.db`insert into subscribers (email) select 'call-' || g || '@example.test' from generate_series(1, ${calls}) g`;
    while ((await crm.calls()).length < calls) await new Promise((r) => setTimeout(r, 200));
    const to = await reading();
    const seconds = (to.at - from.at) / 1000;
    // Then as long with nothing to do (after the last calls' records).
    await new Promise((r) => setTimeout(r, 2_000));
    const idleFrom = await reading();
    await new Promise((r) => setTimeout(r, 10_000));
    const idleTo = await reading();
    const idlePerSecond = (key: "worker" | "postgres" | "xacts") => (idleTo[key] - idleFrom[key]) / ((idleTo.at - idleFrom.at) / 1000);
    const perCall = (key: "worker" | "postgres" | "xacts") => Math.round(((to[key] - from[key] - idlePerSecond(key) * seconds) * 1e6) / calls);
    const [{ attempts } = { attempts: 0 }] = await service.db<{ attempts: number }[]>`select count(*)::int as attempts from webhook_attempts`;
    console.log(
      `${backend}: ${calls} calls in ${seconds.toFixed(1)} s (${Math.round(calls / seconds)}/s), ${attempts} attempts; ` +
        `CPU µs per call, idle subtracted: worker ${perCall("worker")} / PostgreSQL (this database) ${perCall("postgres")}; ` +
        `transactions per call ${(perCall("xacts") / 1e6).toFixed(1)}`,
    );
  } finally {
    await crm.close();
    await service.stop();
  }
}

main().catch((error: unknown) => {
  console.error("bench crashed:", error);
  process.exit(1);
});
