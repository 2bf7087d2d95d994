import { randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";
import postgres from "postgres";
import { pino } from "pino";
import { createDb } from "../src/db/client.js";
import { migrateDatabase } from "../src/db/migrate.js";
import { foldStats, pendingStatsMarks, rebuildStats } from "../src/db/queries/stats.js";
import { FLARE_UP_RESET } from "../src/campaign/sequence.js";
import { requireAdmin } from "../src/http/admin-auth.js";
import { adminApiRoutes } from "../src/routes/admin-api.js";
import { differences, oracleStats } from "../tests/support/stats-oracle.js";

/**
 * The stats endpoint at scale: a scratch database seeded with SQL generate_series (1,000,000
 * subscribers, 5 deliveries each, ≈ 5.3 M webhook events, downloads), then GET /admin/api/stats
 * through the real route (app.request) `calls` times. Measured three ways: unfiltered; filtered
 * (a 90-day range and one source); and unfiltered with `unfolded` subscribers changed since the
 * last fold (the read adds their fresh contribution itself). Afterwards the API's numbers are
 * compared with a brute-force count over the base tables (tests/support/stats-oracle.ts).
 *
 * `npx tsx bench/stats.ts` runs it alone (BENCH_STATS_SUBSCRIBERS, BENCH_STATS_CALLS,
 * BENCH_DATABASE_URL); `npm run bench` calls measureStatsLatency().
 */
export interface StatsBenchOptions {
  /** A PostgreSQL URL whose server the scratch database is created on (its own database is untouched). */
  baseDatabaseUrl?: string;
  subscribers?: number;
  /** Deliveries per subscriber (one per step; the sequence has 5). */
  deliveriesPerSubscriber?: number;
  calls?: number;
  /** Subscribers changed, and left unfolded, for the third measurement. */
  unfolded?: number;
  /** Compare with the brute-force count (tens of seconds at 1 M). */
  verify?: boolean;
  log?: (line: string) => void;
}

export interface StatsBenchResult {
  p50: number;
  p95: number;
  subscribers: number;
  deliveries: number;
  filtered: { p50: number; p95: number };
  unfolded: { marks: number; p50: number; p95: number; foldMs: number };
  rollupRows: number;
  seedSeconds: number;
  rebuildSeconds: number;
  /** Differences between the API and the brute-force count: empty means exact. */
  mismatches: string[] | undefined;
}

const TOKEN = "bench-admin-token-".padEnd(40, "x");

export async function measureStatsLatency(options: StatsBenchOptions = {}): Promise<StatsBenchResult> {
  const base = options.baseDatabaseUrl ?? "postgres://root@127.0.0.1:5432/test";
  const n = options.subscribers ?? 1_000_000;
  const perSubscriber = Math.min(options.deliveriesPerSubscriber ?? 5, FLARE_UP_RESET.steps.length);
  const calls = options.calls ?? 50;
  const log = options.log ?? (() => {});
  const name = `fur_bench_stats_${randomBytes(3).toString("hex")}`;
  const admin = postgres(base, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const url = new URL(base);
  url.pathname = `/${name}`;
  const db = createDb(url.toString(), 4);
  try {
    await migrateDatabase(db);
    const sql = db.sql;

    let started = performance.now();
    log(`seeding ${n.toLocaleString("en")} subscribers, ${(n * perSubscriber).toLocaleString("en")} deliveries…`);
    await seed(sql, n, perSubscriber);
    const seedSeconds = (performance.now() - started) / 1000;
    started = performance.now();
    await rebuildStats(sql);
    await sql`vacuum analyze stats_rollup`;
    const rebuildSeconds = (performance.now() - started) / 1000;
    const [{ rows: rollupRows } = { rows: 0 }] = await sql<{ rows: number }[]>`select count(*)::int as rows from stats_rollup`;
    log(`seeded in ${seedSeconds.toFixed(0)} s, stats rebuilt in ${rebuildSeconds.toFixed(0)} s (${rollupRows} rollup rows)`);

    const auth = requireAdmin({ token: TOKEN, session: { appSecret: "x".repeat(32), publicUrl: "http://bench" }, mode: "api" });
    const app = adminApiRoutes({ sql, sequence: FLARE_UP_RESET }, auth);
    const call = async (query = "") => {
      const t = performance.now();
      const res = await app.request(`/admin/api/stats${query}`, { headers: { authorization: `Bearer ${TOKEN}` } });
      const body = await res.json();
      if (res.status !== 200) throw new Error(`stats answered ${res.status}: ${JSON.stringify(body)}`);
      return { ms: performance.now() - t, body: body as Parameters<typeof differences>[0] };
    };
    const measure = async (query = "") => {
      for (let i = 0; i < 3; i++) await call(query);
      const times: number[] = [];
      for (let i = 0; i < calls; i++) times.push((await call(query)).ms);
      return percentiles(times);
    };

    const plain = await measure();
    log(`unfiltered: p50 ${plain.p50} ms, p95 ${plain.p95} ms`);
    const to = new Date().toISOString().slice(0, 10);
    const from = new Date(Date.now() - 89 * 86_400_000).toISOString().slice(0, 10);
    const filtered = await measure(`?from=${from}&to=${to}&source=article`);
    log(`90 days, one source: p50 ${filtered.p50} ms, p95 ${filtered.p95} ms`);

    // Changes the fold has not taken in yet: unsubscribes, new clicks and downloads.
    // ≈ what a worker folding every second leaves at a busy moment (each subscriber marked twice).
    const unfolded = options.unfolded ?? 250;
    await sql`
      with picked as (select id from subscribers where status = 'active' order by id limit ${unfolded})
      update subscribers set status = 'unsubscribed', left_at = now() where id in (select id from picked)`;
    await sql`
      insert into email_events (provider_event_id, type, delivery_id, payload, processed_at)
      select 'bench-late-click-' || d.id, 'email.clicked', d.id, '{}'::jsonb, now()
        from deliveries d where d.state = 'sent' and d.step = 'triggers' order by d.id desc limit ${unfolded}`;
    const marks = await pendingStatsMarks(sql);
    const late = await measure();
    log(`with ${marks} unfolded marks: p50 ${late.p50} ms, p95 ${late.p95} ms`);
    const foldStarted = performance.now();
    await foldStats(sql);
    const foldMs = Math.round(performance.now() - foldStarted);
    log(`folding them took ${foldMs} ms`);
    // The same changes again, to leave marks for the exactness check below.
    await sql`
      with picked as (select id from subscribers where status = 'active' order by id desc limit ${unfolded})
      update subscribers set status = 'unsubscribed', left_at = now() where id in (select id from picked)`;

    let mismatches: string[] | undefined;
    if (options.verify ?? true) {
      log("checking against a brute-force count of the base tables…");
      const before = (await call()).body;
      mismatches = differences(before, await oracleStats(sql));
      await foldStats(sql);
      const after = (await call()).body;
      mismatches.push(...differences(after, await oracleStats(sql)).map((m) => `after fold: ${m}`));
      const bySource = (await call("?source=article")).body;
      mismatches.push(...differences(bySource, await oracleStats(sql, { source: "article" })).map((m) => `source=article: ${m}`));
      log(mismatches.length === 0 ? "exact: every number matches the base tables" : `MISMATCHES:\n${mismatches.join("\n")}`);
    }
    return {
      p50: plain.p50,
      p95: plain.p95,
      subscribers: n,
      deliveries: n * perSubscriber,
      filtered,
      unfolded: { marks, ...late, foldMs },
      rollupRows,
      seedSeconds,
      rebuildSeconds,
      mismatches,
    };
  } finally {
    await db.close();
    await admin.unsafe(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
}

function percentiles(times: number[]): { p50: number; p95: number } {
  const sorted = [...times].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
  return { p50: Math.round(at(50) * 10) / 10, p95: Math.round(at(95) * 10) / 10 };
}

/**
 * A year of signups from 4 sources (7 source/UTM combinations), statuses as a real list has them,
 * every subscriber somewhere along the sequence, webhook events on the sent emails. Triggers are
 * off while seeding (session_replication_role = replica); rebuildStats() then derives the stats.
 */
export async function seed(
  sql: postgres.Sql,
  n: number,
  perSubscriber: number,
  shape: { days?: number; growth?: number } = {},
): Promise<void> {
  const days = shape.days ?? 365;
  // growth 1: as many signups every day; above 1: more on recent days (the docs' screenshot).
  const growth = shape.growth ?? 1;
  const steps = FLARE_UP_RESET.steps.slice(0, perSubscriber).map((s, i) => `(${i + 1}, '${s.key}')`).join(", ");
  await sql.begin(async (tx) => {
    await tx`set local session_replication_role = replica`;
    await tx`set local synchronous_commit = off`;
    // h: a stable pseudo-random 0..99 per subscriber; first_name keeps i for the next statements.
    await tx`
      insert into subscribers (email, first_name, source, utm_source, utm_medium, utm_campaign, status, created_at, confirmed_at, left_at)
      select 'bench-' || i || '@bench.example', i::text,
             (array['article', 'newsletter', 'instagram', null])[1 + i % 4],
             (array['blog', 'newsletter', 'instagram', null])[1 + i % 4],
             (array['referral', 'email', 'social', null])[1 + i % 4],
             case when i % 4 = 3 then null else (array['sciatica-2026', 'spring'])[1 + (i / 4) % 2] end,
             status::subscriber_status, at, case when status <> 'pending' then at end,
             case when status in ('unsubscribed', 'bounced', 'complained') then at + interval '3 days' end
        from (select *,
                     -- Most people who leave do so early: 12 % after no email, 2 % after the last one.
                     case when h < 2 then 'pending'
                          when h < 14 - 2 * p then 'unsubscribed'
                          when h < 17 - 2 * p then 'bounced'
                          when h < 18 - 2 * p then 'complained'
                          else 'active' end as status
                from (select i, (i::bigint * 2654435761) % 100 as h, (i * 7) % ${perSubscriber + 1} as p,
                     now() - make_interval(days => floor(${days}::float8 * power(((i::bigint * 7919) % 10007) / 10007.0, ${growth}::float8))::int,
                                           secs => (i * 37) % 86400) as at
                from generate_series(1, ${n}::int) i) x) y`;
    // progress: how many steps were sent (0..5); active subscribers with all sent have completed.
    await tx.unsafe(`
      insert into enrollments (subscriber_id, sequence, state, current_step, created_at, ended_at)
      select s.id, 'flare-up-reset',
             (case when s.status <> 'active' then 'stopped' when p.progress >= ${perSubscriber} then 'completed' else 'active' end)::enrollment_state,
             null, s.created_at, case when s.status <> 'active' or p.progress >= ${perSubscriber} then s.created_at + interval '8 days' end
        from subscribers s cross join lateral (select (s.first_name::int * 7) % ${perSubscriber + 1} as progress) p`);
    await tx.unsafe(`
      insert into deliveries (enrollment_id, subscriber_id, step, state, due_at, sent_at, attempts, last_error)
      select e.id, e.subscriber_id, st.key,
             (case when st.n <= p.progress and (e.id + st.n) % 200 = 0 then 'failed'
                   when st.n <= p.progress then 'sent'
                   when st.n = p.progress + 1 and e.state = 'active' then 'scheduled'
                   else 'cancelled' end)::delivery_state,
             e.created_at + make_interval(days => st.n - 1),
             case when st.n <= p.progress and (e.id + st.n) % 200 <> 0 then e.created_at + make_interval(days => st.n - 1, secs => 5) end,
             case when st.n <= p.progress then 1 else 0 end,
             case when st.n <= p.progress and (e.id + st.n) % 200 = 0 then 'provider said 422: invalid recipient' end
        from enrollments e
        join subscribers s on s.id = e.subscriber_id
        cross join lateral (select (s.first_name::int * 7) % ${perSubscriber + 1} as progress) p
        cross join (values ${steps}) st(n, key)`);
    for (const [type, share] of [
      ["email.delivered", "d.id % 100 < 92"],
      ["email.opened", "(d.id * 7) % 100 < 38"],
      ["email.clicked", "(d.id * 13) % 100 < 7"],
      ["email.bounced", "(d.id * 17) % 1000 < 8"],
      ["email.complained", "(d.id * 19) % 1000 < 2"],
    ] as const) {
      await tx.unsafe(`
        insert into email_events (provider_event_id, type, delivery_id, payload, occurred_at, received_at, processed_at)
        select 'bench-${type}-' || d.id, '${type}', d.id, '{}'::jsonb, d.sent_at, d.sent_at, d.sent_at
          from deliveries d where d.state = 'sent' and ${share}`);
    }
    await tx`
      insert into guide_downloads (subscriber_id, downloaded_at)
      select s.id, s.created_at + interval '10 minutes' from subscribers s where (s.first_name::int * 3) % 100 < 62
      union all
      select s.id, s.created_at + interval '2 days' from subscribers s where (s.first_name::int * 3) % 100 < 15`;
  });
  await sql`analyze`;
}

// `npx tsx bench/stats.ts`: this measurement alone.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const logger = pino({ level: "info" });
  const result = await measureStatsLatency({
    baseDatabaseUrl: process.env.BENCH_DATABASE_URL,
    subscribers: process.env.BENCH_STATS_SUBSCRIBERS ? Number(process.env.BENCH_STATS_SUBSCRIBERS) : undefined,
    calls: process.env.BENCH_STATS_CALLS ? Number(process.env.BENCH_STATS_CALLS) : undefined,
    log: (line) => logger.info(line),
  });
  console.log(JSON.stringify(result, null, 2));
  process.exit(result.mismatches && result.mismatches.length > 0 ? 1 : 0);
}
