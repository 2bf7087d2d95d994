import { randomBytes } from "node:crypto";
import { performance } from "node:perf_hooks";
import { startService, type Service } from "./service.js";

/**
 * Section (9): does signup tell a known address from a new one by time? (issue 30 §2). N known
 * and N new signups, interleaved one at a time (known, new, known, new …) after a warm-up, timed
 * at the client; the figure is each group's median and the Mann-Whitney z of known against new
 * (negative: the known address answered faster). |z| ≤ 2 is within the noise. Measured with the
 * worker running and again with it stopped (the two conditions).
 *
 * `tsx bench/signup-timing.ts [N]` runs this section alone (BENCH_RUNTIME=tsx to skip the build).
 */
export interface TimingFigures {
  condition: string;
  n: number;
  knownMedianMs: number;
  newMedianMs: number;
  z: number;
  /** Share of pairs in which the known address answered faster. */
  knownFasterShare: number;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/** Mann-Whitney U of `a` against `b` as a z score (normal approximation, tied ranks averaged). */
export function mannWhitneyZ(a: number[], b: number[]): number {
  const all = [...a.map((v) => ({ v, g: 0 })), ...b.map((v) => ({ v, g: 1 }))].sort((x, y) => x.v - y.v);
  const ranks = new Array<number>(all.length);
  for (let i = 0; i < all.length; ) {
    let j = i;
    while (j + 1 < all.length && all[j + 1]!.v === all[i]!.v) j++;
    for (let k = i; k <= j; k++) ranks[k] = (i + j) / 2 + 1;
    i = j + 1;
  }
  const rankSumA = all.reduce((sum, x, i) => (x.g === 0 ? sum + ranks[i]! : sum), 0);
  const n1 = a.length;
  const n2 = b.length;
  const u = rankSumA - (n1 * (n1 + 1)) / 2;
  return (u - (n1 * n2) / 2) / Math.sqrt((n1 * n2 * (n1 + n2 + 1)) / 12);
}

async function signup(apiUrl: string, email: string): Promise<number> {
  const started = performance.now();
  const res = await fetch(`${apiUrl}/api/subscribe`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email, firstName: "Ana", source: "bench" }),
  });
  await res.arrayBuffer();
  const ms = performance.now() - started;
  if (res.status !== 202) throw new Error(`signup answered ${res.status}`);
  return ms;
}

const address = (label: string) => `${label}-${randomBytes(6).toString("hex")}@example.com`;

async function measure(service: Service, condition: string, n: number): Promise<TimingFigures> {
  const known = Array.from({ length: n }, () => address("known"));
  for (const email of known) await signup(service.apiUrl, email);
  for (let i = 0; i < 100; i++) await signup(service.apiUrl, address("warm"));
  const knownMs: number[] = [];
  const newMs: number[] = [];
  let knownFaster = 0;
  for (let i = 0; i < n; i++) {
    // Alternating which goes first, so neither group always follows the other.
    const pair = i % 2 === 0 ? [true, false] : [false, true];
    let k = 0;
    let f = 0;
    for (const isKnown of pair) {
      if (isKnown) knownMs.push((k = await signup(service.apiUrl, known[i]!)));
      else newMs.push((f = await signup(service.apiUrl, address("new"))));
    }
    if (k < f) knownFaster++;
  }
  const round = (x: number) => Math.round(x * 100) / 100;
  return {
    condition,
    n,
    knownMedianMs: round(median(knownMs)),
    newMedianMs: round(median(newMs)),
    z: round(mannWhitneyZ(knownMs, newMs)),
    knownFasterShare: round(knownFaster / n),
  };
}

export async function runSignupTiming(o: { baseDatabaseUrl: string; redisUrl: string; n: number }): Promise<TimingFigures[]> {
  const service = await startService({ backend: "redis", baseDatabaseUrl: o.baseDatabaseUrl, redisUrl: o.redisUrl, rate: 50, batch: 100, limitFake: false });
  try {
    const running = await measure(service, "worker running", o.n);
    await service.worker.stop();
    const paused = await measure(service, "worker stopped", o.n);
    return [running, paused];
  } finally {
    await service.stop();
  }
}

export function timingLines(figures: TimingFigures[]): string[] {
  return figures.map(
    (f) =>
      `(9) signup timing, ${f.condition}: ${f.n} known / ${f.n} new interleaved: median ${f.knownMedianMs} / ${f.newMedianMs} ms, ` +
      `Mann-Whitney z = ${f.z} (target |z| ≤ 2), known faster in ${Math.round(f.knownFasterShare * 100)} % of pairs`,
  );
}

if (import.meta.url === `file://${process.argv[1]}`) {
  runSignupTiming({
    baseDatabaseUrl: process.env.BENCH_DATABASE_URL ?? "postgres://root@127.0.0.1:5432/test",
    redisUrl: process.env.BENCH_REDIS_URL ?? "redis://127.0.0.1:6379",
    n: Number(process.argv[2] ?? 360),
  }).then(
    (figures) => {
      for (const line of timingLines(figures)) console.log(line);
      process.exit(0);
    },
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
