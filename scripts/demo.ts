/**
 * `npm run demo` (issue 18): a month of campaign to look at, on a database of its own.
 *
 * 1. A fresh embedded PostgreSQL in DATA_DIR/demo (`.data/demo`; DATABASE_URL, REDIS_URL and
 *    RESEND_API_KEY are ignored: the demo never touches a real database, queue or provider).
 * 2. The real service in this process — API, workers, the outbox transport — at
 *    SEQUENCE_TIME_SCALE=57600, so a day of the campaign passes in 1.5 seconds of the run.
 * 3. For about 45 seconds (30 campaign days) readers arrive, more each day, from a few sources,
 *    through the real signup endpoint; they download the guide through their personal link and
 *    open a link or two of the later emails, one link at a time, a little while after each email
 *    arrived; about half answer the check-in on its page, and some who open the booking page book
 *    (reported as the clinic's booking tool would: POST /admin/api/conversions); a few unsubscribe through the one-click link in their emails. About one reader in
 *    six is at a workplace whose mail filter fetches every link of every email as it lands (a
 *    burst, as a browser; sometimes a HEAD, or a user agent that says it is a scanner): the
 *    dashboard shows those fetches left out. The provider's events — delivered, opened (an
 *    estimate), one hard bounce, one complaint — arrive through the real Svix-signed webhook
 *    route. Every row is written by the service's own code.
 * 4. The one documented step that fakes anything: every timestamp the run wrote is mapped onto
 *    the past month with the same time scale — `t' = now − (end − t) × 57600` — so what took 45
 *    seconds reads as 30 days, in order; sends still due keep their place in the future. The month
 *    ends when the clock does (no send after it); the answers to its last emails, posted just
 *    after, are stamped at its end. Then the stats are rebuilt from the rows.
 * 5. The service restarts on that database at the normal time scale and prints the admin link.
 */
import { createHmac, randomBytes } from "node:crypto";
import { rm } from "node:fs/promises";
import http from "node:http";
import path from "node:path";
import { devLoginPath } from "../src/admin/dev-login.js";
import { startupBanner } from "../src/banner.js";
import { bootstrap, prepareStores } from "../src/bootstrap.js";
import { rebuildStats } from "../src/db/queries/stats.js";
import { createDeps, type Deps, type ReadyConfig } from "../src/deps.js";
import { startApi, type RunningApi } from "../src/server.js";
import { startWorkers, type RunningWorkers } from "../workers/index.js";
import { SETTLE_SECONDS } from "../src/signals/rules.js";

/** SEQUENCE_TIME_SCALE during the run: a campaign day passes in DAY_MS of real time. */
const SCALE = 57_600;
const DAY_MS = (86_400 * 1000) / SCALE;
const DAYS = Number(process.env.DEMO_DAYS ?? 30);
const READERS = Number(process.env.DEMO_READERS ?? 3000);

const SOURCES = [
  { weight: 45, source: "article", utm_source: "clinic-blog", utm_medium: "article", utm_campaign: "sciatica-guide" },
  { weight: 20, source: "instagram", utm_source: "instagram", utm_medium: "social", utm_campaign: "flare-up-reels" },
  { weight: 15, source: "newsletter", utm_source: "newsletter", utm_medium: "email", utm_campaign: "november" },
  { weight: 12, source: "google", utm_source: "google", utm_medium: "cpc", utm_campaign: "sciatica-relief" },
  { weight: 8, source: undefined, utm_source: undefined, utm_medium: undefined, utm_campaign: undefined },
];
const NAMES = ["Ana", "Ben", "Chloé", "Dev", "Emma", "Farid", "Grace", "Hiro", "Ines", "Jon", "Kemi", "Luca", "Mia", "Noah", undefined];
const ZONES = ["Europe/London", "Europe/Lisbon", "America/New_York", "America/Chicago", "America/Los_Angeles", "Australia/Sydney"];
/** How likely a delivered email is opened / clicked (falls along the sequence, as it does). */
const OPEN = { welcome: 0.62, triggers: 0.48, positions: 0.44, mistakes: 0.39, "red-flags": 0.36 } as Record<string, number>;
const CLICK = { welcome: 0.2, triggers: 0.09, positions: 0.12, mistakes: 0.08, "red-flags": 0.07, "check-in-same": 0.12, "check-in-worse": 0.15, closing: 0.06 } as Record<string, number>;

const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)]!;
const chance = (p: number) => Math.random() < p;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function inParallel<T>(items: T[], width: number, each: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, items.length) }, async () => {
      while (next < items.length) await each(items[next++]!);
    }),
  );
}

/**
 * The demo's own HTTP client: node:http on keep-alive sockets, lighter than fetch for the tens
 * of thousands of small requests it makes — it shares the CPU with the service it drives.
 */
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
function request(url: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<{ status: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: init.method ?? "GET", headers: init.headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(init.body);
  });
}

const started = Date.now();
const seconds = () => ((Date.now() - started) / 1000).toFixed(1);
const say = (line: string) => process.stdout.write(`[demo ${seconds()} s] ${line}\n`);

// 1. A database of its own, fresh each run.
const dataDir = path.join(process.env.DATA_DIR ?? ".data", "demo");
await rm(dataDir, { recursive: true, force: true });
const webhookSecret = `whsec_${randomBytes(24).toString("base64")}`;
const env: Record<string, string | undefined> = {
  ...process.env,
  NODE_ENV: "development",
  DATABASE_URL: undefined,
  REDIS_URL: undefined,
  QUEUE_BACKEND: undefined,
  RESEND_API_KEY: undefined,
  ADMIN_TOKEN: undefined,
  DATA_DIR: dataDir,
  EMBEDDED_PG_PORT: process.env.DEMO_PG_PORT ?? "54339",
  LOG_LEVEL: process.env.LOG_LEVEL ?? "warn",
  RESEND_WEBHOOK_SECRET: webhookSecret,
  SIGNUP_RATE_LIMIT: "0",
  SEND_WINDOW: "",
  // Each reader and each filter has an address of its own (X-Forwarded-For): the signal rules
  // remember the addresses that fetched in a burst.
  TRUST_PROXY: "true",
  // The outside links the emails carry (each through GET /l/:token), so readers have some to open.
  BOOKING_URL: process.env.BOOKING_URL ?? "https://clinic.example/book",
  RELATED_READING_STARTER_URL: process.env.RELATED_READING_STARTER_URL ?? "https://clinic.example/sciatica-starter-guide",
  RELATED_READING_LOAD_CAPACITY_URL: process.env.RELATED_READING_LOAD_CAPACITY_URL ?? "https://clinic.example/load-vs-capacity",
  RELATED_READING_POSITIONS_URL: process.env.RELATED_READING_POSITIONS_URL ?? "https://clinic.example/3-positions",
};
const { config, logger, embedded, logFormat } = await bootstrap({ ...env, SEQUENCE_TIME_SCALE: String(SCALE) });
await prepareStores(config, logger);
say(`embedded PostgreSQL in ${dataDir} (port ${config.embeddedPgPort}), migrated`);

// 2. The service, a day every 1.5 seconds.
let deps: Deps = createDeps(config, logger);
const sql = deps.db.sql;
// Commits during the run need not wait for the disk: if the machine crashed mid-run, the next
// run starts from scratch anyway. Crash safety, not consistency, is what this gives up, and the
// dashboard's database gets it back before the service starts on it (step 5).
await sql.unsafe("alter system set synchronous_commit = off");
await sql`select pg_reload_conf()`;
let api: RunningApi = await startApi(deps);
let workers: RunningWorkers = await startWorkers(deps, { concurrency: 16, reconcileEveryMs: 1000 });
const base = `http://127.0.0.1:${api.port}`;

function signWebhook(body: string): Record<string, string> {
  const id = `msg_${randomBytes(12).toString("hex")}`;
  const timestamp = Math.floor(Date.now() / 1000);
  const key = Buffer.from(webhookSecret.slice("whsec_".length), "base64");
  const signature = createHmac("sha256", key).update(`${id}.${timestamp}.${body}`).digest("base64");
  return { "content-type": "application/json", "svix-id": id, "svix-timestamp": String(timestamp), "svix-signature": `v1,${signature}` };
}

async function providerEvent(type: string, email: { messageId: string; to: string; subject: string; step: string }, data: Record<string, unknown> = {}) {
  const now = new Date().toISOString();
  const body = JSON.stringify({
    type,
    created_at: now,
    data: { created_at: now, email_id: email.messageId, from: config.email.from, to: [email.to], subject: email.subject, tags: { step: email.step }, ...data },
  });
  const res = await request(`${base}/webhooks/resend`, { method: "POST", headers: signWebhook(body), body });
  if (res.status !== 200) throw new Error(`webhook ${type}: ${res.status} ${res.body.toString()}`);
}

async function signUp(i: number): Promise<void> {
  const where = (() => {
    let roll = Math.random() * 100;
    for (const s of SOURCES) if ((roll -= s.weight) < 0) return s;
    return SOURCES[0]!;
  })();
  const { weight: _weight, ...labels } = where;
  const res = await request(`${base}/api/subscribe`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email: `reader-${i}@demo.example`, firstName: pick(NAMES), timezone: pick(ZONES), ...labels }),
  });
  if (res.status !== 202) throw new Error(`signup ${i}: ${res.status} ${res.body.toString()}`);
}

/** Every link of ours in an email's plain text, as paths on this run's server. */
const linksIn = (text: string) => [...new Set([...text.matchAll(new RegExp(`${config.publicUrl}(/(?:guide|l|unsubscribe|check-in)/[A-Za-z0-9_.-]+)`, "g"))].map((m) => m[1]!))];
/** What a link's token names last (a tracked link's key, an answer): the demo reads it to choose, as a reader reads the label. */
const detailOf = (path: string) => Buffer.from(path.split("/").pop()!.split(".")[0]!, "base64url").toString().split(".")[3];
/** How readers feel at the check-in (an illustration, not data). */
const ANSWERS = [
  { answer: "better", weight: 45 },
  { answer: "same", weight: 35 },
  { answer: "worse", weight: 20 },
];
const BROWSER = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1";
const SCANNER_AGENTS = [
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
  "Mozilla/5.0 (compatible; Barracuda Sentinel)",
];
const readerOf = (to: string) => Number(/reader-(\d+)@/.exec(to)?.[1] ?? 0);
/** A reader's own address (documentation range 198.18.0.0/15), and a filter's (one of a few). */
const readerIp = (to: string) => `198.18.${(readerOf(to) >> 8) & 255}.${readerOf(to) & 255}`;
const scannerIp = () => `203.0.113.${1 + Math.floor(Math.random() * 4)}`;
/** Readers whose workplace filter fetches every link as the message lands. */
const filtered = (to: string) => readerOf(to) % 6 === 0;
/**
 * A person opens an email a little while after it arrived: the signal rules take a fetch within
 * seconds of the send for a filter's (src/signals/rules.ts). The demo's days are compressed, its
 * seconds are not, so the readers' clicks trail the emails by this much real time.
 */
const PERSON_DELAY_MS = 12_000;

type OutboxEmail = { id: number; messageId: string; to: string; subject: string; step: string; text: string; headers: Record<string, string>; age: number };
const emailsAfter = (id: number, olderThanMs = 0) =>
  sql<OutboxEmail[]>`
    select id, message_id as "messageId", "to", subject, step, text, headers,
           extract(epoch from now() - created_at) * 1000 as age
      from outbox_emails where id > ${id} and created_at <= now() - make_interval(secs => ${olderThanMs / 1000}) order by id`;

/** The filters: as each email lands, every link at once (a burst); now and then a HEAD first. */
let lastScanned = 0;
async function scan(): Promise<void> {
  const emails = await emailsAfter(lastScanned);
  if (emails.length === 0) return;
  lastScanned = emails.at(-1)!.id;
  await inParallel(emails.filter((e) => filtered(e.to)), 16, async (email) => {
    const headers = { "user-agent": pick(SCANNER_AGENTS), "x-forwarded-for": scannerIp() };
    const links = linksIn(email.text);
    if (chance(0.2) && links[0]) await request(`${base}${links[0]}`, { method: "HEAD", headers });
    await Promise.all(links.map((path) => request(`${base}${path}`, { headers })));
  });
}

/** What the readers do: one link at a time, a while after the email arrived. */
let lastOpened = 0;
async function open(): Promise<void> {
  const emails = await emailsAfter(lastOpened, PERSON_DELAY_MS);
  if (emails.length === 0) return;
  lastOpened = emails.at(-1)!.id;
  await inParallel(emails, 32, async (email) => {
    const links = linksIn(email.text);
    const guide = links.find((l) => l.startsWith("/guide/"));
    const outside = links.filter((l) => l.startsWith("/l/"));
    const headers = { "user-agent": BROWSER, "x-forwarded-for": readerIp(email.to) };
    if (email.step === "welcome") {
      if (guide && chance(0.64)) await request(`${base}${guide}`, { headers });
    } else if (email.step === "check-in") {
      if (!chance(0.55)) return;
      // The answer page, then its own POST (what the page's script sends at once).
      let roll = Math.random() * 100;
      const { answer } = ANSWERS.find((a) => (roll -= a.weight) < 0) ?? ANSWERS[0]!;
      const page = links.find((l) => l.startsWith("/check-in/") && detailOf(l) === answer);
      if (!page) return;
      await request(`${base}${page}`, { headers });
      await request(`${base}${page}`, { method: "POST", headers: { ...headers, "sec-fetch-site": "same-origin" } });
    } else if (outside.length > 0 && chance(CLICK[email.step] ?? 0.05)) {
      const link = pick(outside);
      await request(`${base}${link}`, { headers });
      // Some who open the booking page book; the clinic's booking tool reports it.
      if (detailOf(link) === "booking" && chance(0.4)) {
        await request(`${base}/admin/api/conversions`, {
          method: "POST",
          headers: { authorization: `Bearer ${config.adminToken}`, "content-type": "application/json" },
          body: JSON.stringify({ email: email.to, goal: "booked" }),
        });
      }
    }
  });
}

/** What the provider tells about the emails sent since the last look. */
let lastOutboxId = 0;
let bounced = false;
let complained = false;
async function react(day: number): Promise<void> {
  const emails = await emailsAfter(lastOutboxId);
  if (emails.length === 0) return;
  lastOutboxId = emails.at(-1)!.id;
  await inParallel(emails, 32, async (email) => {
    if (!bounced && day >= 12 && email.step === "welcome") {
      bounced = true; // one address that does not exist
      return providerEvent("email.bounced", email, { bounce: { type: "Permanent", subType: "General", message: "550 5.1.1 user unknown" } });
    }
    if (!chance(0.985)) return; // still in flight, or a soft bounce the provider keeps retrying
    await providerEvent("email.delivered", email);
    if (!complained && day >= 8 && email.step === "triggers") {
      complained = true;
      return providerEvent("email.complained", email);
    }
    if (chance(OPEN[email.step] ?? 0.3)) await providerEvent("email.opened", email);
    const unsubscribe = /<([^>]+)>/.exec(email.headers["List-Unsubscribe"] ?? "")?.[1];
    if (unsubscribe && chance(0.004)) {
      // RFC 8058 one-click, as a mail client's "Unsubscribe" button sends it.
      await request(unsubscribe.replace(config.publicUrl, base), {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: "List-Unsubscribe=One-Click",
      });
    }
  });
}

// 3. A month, a day every 1.5 seconds: more readers each day (the campaign catching on).
// Arrivals follow the clock in a loop of their own, so the month is DAYS days long however long
// the provider's events take to post; the readers' and the provider's reactions follow behind.
say(`simulating ${DAYS} days (${READERS} readers), a day every ${DAY_MS / 1000} s…`);
/** The share of all readers who have arrived by campaign day `d` (fractional): growing, with a weekly wobble. */
const arrived = (d: number) => {
  const f = (x: number) => x + (x * x) / DAYS + 0.6 * Math.sin((2 * Math.PI * x) / 7);
  return Math.min(1, Math.max(0, f(d) / f(DAYS)));
};
const simStart = Date.now();
let arriving = true;
const arrivals = (async () => {
  let reader = 0;
  let reported = 0;
  for (;;) {
    const day = (Date.now() - simStart) / DAY_MS;
    const due = day >= DAYS ? READERS : Math.floor(READERS * arrived(day));
    const ids = Array.from({ length: Math.max(0, due - reader) }, () => reader++);
    await inParallel(ids, 8, signUp);
    if (day >= DAYS) return;
    if (Math.floor(day / 5) > reported) {
      reported = Math.floor(day / 5);
      say(`day ${reported * 5}: ${reader} readers`);
    }
    await sleep(100);
  }
})();
const reactions = (async () => {
  while (arriving) {
    await scan();
    await react(Math.floor((Date.now() - simStart) / DAY_MS));
    await open();
    await sleep(200);
  }
})();
await arrivals;
say(`all ${READERS} readers arrived`);
// The month ends here: the workers stop (close() waits for the sends in hand), so nothing is sent
// after it. The readers' and the provider's answers to the last emails are still posted — the
// route settles them as it stores them — and step 4 stamps what happened after the end at the end.
const end = new Date();
await workers.close();
arriving = false;
await reactions;
await scan();
await react(DAYS);
// The readers open the last emails a little later, and their fetches settle (src/signals/).
await sleep(PERSON_DELAY_MS);
await open();
await sleep(SETTLE_SECONDS * 1000 + 200);
await deps.signals.settle();
say("the last emails' events posted, their links opened");
await api.close();
// An event the route could not settle (the bounce, the complaint, one that beat its send's
// commit) and that is still unprocessed is processed when the service starts again in step 5.

// 4. The one faked step: the run's timestamps, mapped onto the past month at the same scale.
say(`moving the run's timestamps onto the past month (t' = now - (end - t) x ${SCALE})…`);
const columns: Record<string, string[]> = {
  subscribers: ["created_at", "confirmed_at", "left_at", "confirmation_requested_at", "erased_at", "updated_at"],
  consents: ["created_at"],
  enrollments: ["next_send_at", "created_at", "updated_at", "ended_at"],
  deliveries: ["due_at", "claimed_at", "sent_at", "created_at", "updated_at"],
  email_events: ["occurred_at", "received_at", "processed_at"],
  email_suppressions: ["created_at"],
  guide_downloads: ["downloaded_at"],
  link_visits: ["visited_at"],
  checkin_answers: ["answered_at"],
  conversions: ["converted_at"],
  outbox_emails: ["created_at"],
  admin_audit: ["at"],
};
/** Times still ahead (sends due) keep their place in the future; any other time is a moment that happened, at the end at the latest. */
const ahead = new Set(["due_at", "next_send_at"]);
await sql.begin(async (tx) => {
  for (const [table, cols] of Object.entries(columns)) {
    const at = (c: string) => (ahead.has(c) ? c : `least(${c}, $1::timestamptz)`);
    const sets = cols.map((c) => `${c} = now() - ($1::timestamptz - ${at(c)}) * ${SCALE}`).join(", ");
    await tx.unsafe(`update ${table} set ${sets}`, [end.toISOString()]);
  }
});
await rebuildStats(sql);
await sql.unsafe("alter system reset synchronous_commit");
await sql`select pg_reload_conf()`;
await sql`checkpoint`;
await deps.close();

// 5. The service on the demo database, at the normal pace: the reconciler re-creates the jobs
// of the sends still due (Postgres is the source of truth), each at its mapped time.
const live: ReadyConfig = { ...config, sequenceTimeScale: 1 };
deps = createDeps(live, logger);
api = await startApi(deps);
workers = await startWorkers(deps, { concurrency: live.workerConcurrency, reconcileEveryMs: 5000 });
const [counts] = await deps.db.sql<{ readers: number; emails: number; events: number; downloads: number; scanner: number; answers: number; booked: number; unsubscribed: number; bounced: number; complained: number }[]>`
  select (select count(*)::int from subscribers) as readers, (select count(*)::int from outbox_emails) as emails,
         (select count(*)::int from email_events) as events, (select count(*)::int from guide_downloads) as downloads,
         (select count(*)::int from link_visits where automated is not null) as scanner,
         (select count(*)::int from checkin_answers) as answers, (select count(*)::int from conversions) as booked,
         (select count(*)::int from subscribers where status = 'unsubscribed') as unsubscribed,
         (select count(*)::int from subscribers where status = 'bounced') as bounced,
         (select count(*)::int from subscribers where status = 'complained') as complained`;
say(
  `done: ${counts!.readers} readers, ${counts!.emails} emails, ${counts!.events} provider events, ${counts!.downloads} guide downloads ` +
    `(${counts!.scanner} mail-filter fetches left out), ${counts!.answers} check-in answers, ${counts!.booked} booked; ` +
    `${counts!.unsubscribed} unsubscribed, ${counts!.bounced} bounced, ${counts!.complained} complained`,
);

const adminUrl = `${live.publicUrl}${devLoginPath(deps.devLogin!.mint())}`;
const facts = {
  mode: "all" as const,
  env: live.env,
  publicUrl: live.publicUrl,
  embedded: { dataDir, port: live.embeddedPgPort },
  databaseUrl: live.databaseUrl,
  queueBackend: live.queueBackend,
  redisUrl: live.redisUrl,
  transport: deps.transport.name,
  admin: { kind: "link" as const, url: adminUrl, minutes: 15, tokenFile: path.join(dataDir, "admin-token") },
};
if (logFormat === "pretty") process.stdout.write(startupBanner(facts));
else logger.info({ demo: true, admin: adminUrl, landing: `${live.publicUrl}/` }, "Flare-Up Reset is running");
process.stdout.write(`The demo dashboard: ${adminUrl}\n(Ctrl-C stops it; the demo database stays in ${dataDir} until the next npm run demo.)\n`);

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  await api.close();
  await workers.close();
  await deps.close();
  await embedded?.stop();
  process.exit(0);
}
process.on("SIGINT", () => void stop());
process.on("SIGTERM", () => void stop());
// DEMO_EXIT=1: stop once the link is printed (for timing the demo, and for its test).
if (process.env.DEMO_EXIT === "1") await stop();
