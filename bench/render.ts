import { fileURLToPath } from "node:url";
import { RenderCache } from "../src/mail/render-cache.js";
import { renderEmail } from "../src/mail/render.js";

/**
 * What the render cache saves the worker per email: personalising a cached template against a
 * fresh React Email render of the same step. The cache's correctness (byte-identical output, no
 * reader's data left in a template) is tested in tests/unit/render-cache.unit.test.ts; here only
 * its cost, reported and never failed on.
 *
 * `npx tsx bench/render.ts` runs it alone (BENCH_RENDER_RUNS); `npm run bench` calls measureRenderCache().
 */
export interface RenderBenchResult {
  /** Microseconds per email personalised from the cache. */
  cachedUs: number;
  /** Milliseconds per email rendered fresh. */
  freshMs: number;
  /** How many times cheaper the cache is. */
  ratio: number;
}

const props = {
  postalAddress: "PCS Clinic · 1 Main St · Springfield",
  clinicName: "PCS Clinic",
  toolLinks: [{ kind: "tools" as const, label: "Recovery tools", url: "https://tools.example/list?a=1&b=2", affiliate: true }],
  guideUrl: "https://guide.example-clinic.com/guide/some.token",
  unsubscribeUrl: "https://guide.example-clinic.com/unsubscribe/other.token",
  firstName: "Ana",
};

export async function measureRenderCache(runs = 2000, freshRuns = 20): Promise<RenderBenchResult> {
  const cache = new RenderCache();
  await cache.render("welcome", props); // warm: the one React render the cache pays per step
  await renderEmail("welcome", props); // and the renderer's own first-call costs
  const started = performance.now();
  for (let i = 0; i < runs; i++) await cache.render("welcome", { ...props, firstName: `Ana${i}` });
  const cachedMs = (performance.now() - started) / runs;
  const freshStarted = performance.now();
  for (let i = 0; i < freshRuns; i++) await renderEmail("welcome", { ...props, firstName: `Ana${i}` });
  const freshMs = (performance.now() - freshStarted) / freshRuns;
  return {
    cachedUs: Math.round(cachedMs * 1000 * 10) / 10,
    freshMs: Math.round(freshMs * 100) / 100,
    ratio: Math.round(freshMs / cachedMs),
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const result = await measureRenderCache(Number(process.env.BENCH_RENDER_RUNS ?? 2000));
  console.log(`render cache: ${result.cachedUs} µs per email from the cache, ${result.freshMs} ms fresh (${result.ratio}× cheaper)`);
}
