import autocannon from "autocannon";
import { checkWelcomes, startService } from "./service.js";

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

export async function runBurst(o: BurstOptions): Promise<{ figures: Map<string, string>; failures: string[] }> {
  const figures = new Map<string, string>();
  const failures: string[] = [];
  const service = await startService({ ...o, limitFake: true });
  try {
    await new Promise((r) => setTimeout(r, 1500)); // the worker's start-up pass
    let apiRss = 0;
    let workerRss = 0;
    const sampler = setInterval(() => {
      void service.api.rssMb().then((mb) => (apiRss = Math.max(apiRss, mb)));
      void service.worker.rssMb().then((mb) => (workerRss = Math.max(workerRss, mb)));
    }, 500);

    const started = Date.now();
    let n = 0;
    const load = await autocannon({
      url: `${service.apiUrl}/api/subscribe`,
      connections: 50,
      amount: o.signups,
      requests: [
        {
          method: "POST",
          headers: { "content-type": "application/json" },
          setupRequest: (req) => ({ ...req, body: JSON.stringify({ email: `burst-${service.runId}-${n++}@bench.example` }) }),
        },
      ],
    });
    const signupSeconds = (Date.now() - started) / 1000;
    if (load.non2xx > 0 || load.errors > 0) failures.push(`${o.backend} burst: ${load.non2xx} non-2xx, ${load.errors} errors`);

    const floor = o.signups / (o.rate * o.batch);
    const deadline = started + Math.max(600_000, floor * 4 * 1000);
    for (;;) {
      const stats = (await (await fetch(`${service.fakeUrl}/_stats`)).json()) as { accepted: number };
      if (stats.accepted >= o.signups || Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const measured = (Date.now() - started) / 1000;
    clearInterval(sampler);

    const check = await checkWelcomes(service);
    const requests = (await (await fetch(`${service.fakeUrl}/_stats`)).json()) as { requests: number; byStatus: Record<string, number> };
    figures.set(`burst ${o.signups}: all welcomes accepted`, `${measured.toFixed(1)} s (floor ${floor.toFixed(0)} s)`);
    figures.set("burst efficiency (floor / measured)", `${((floor / measured) * 100).toFixed(1)} %`);
    figures.set("burst signups took / provider requests (429s)", `${signupSeconds.toFixed(1)} s / ${requests.requests} (${requests.byStatus["429"] ?? 0})`);
    // The same signup load as (1), with the worker keeping to the provider's default limit as a
    // clinic's Resend account does: what a reader's browser waits for in a real rush.
    figures.set("burst signup req/s, p50 / p99 ms (worker at 2 req/s)", `${Math.round(o.signups / signupSeconds)}, ${load.latency.p50} / ${load.latency.p99}`);
    figures.set("burst subscribers / welcomes / lost / doubled", `${check.subscribers} / ${check.welcomes} / ${check.lost} / ${check.doubled}`);
    figures.set("API / worker max RSS during the burst (MB)", `${apiRss} / ${workerRss}`);
    if (check.lost > 0) failures.push(`${o.backend} burst: ${check.lost} subscribers never got the welcome`);
    if (check.doubled > 0) failures.push(`${o.backend} burst: ${check.doubled} welcomes doubled`);
    if (check.subscribers !== o.signups) failures.push(`${o.backend} burst: ${check.subscribers} subscribers for ${o.signups} signups`);
  } finally {
    await service.stop();
  }
  return { figures, failures };
}
