import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CampaignStats } from "../../src/admin/stats.js";
import { foldOldEngagement } from "../../src/db/queries/engagement-retention.js";
import { verifyToken } from "../../src/tokens.js";
import type { RunningWorkers } from "../../workers/index.js";
import { BROWSER_UA, sentSecondsAgo, waitSettled } from "../support/signals.js";
import { createStack, postJson, TEST_SECRET, uniqueEmail, type TestStack } from "../support/stack.js";

const TOKEN = "signals-admin-token-".padEnd(40, "s");
const STARTER = "https://clinic.example/sciatica-starter-guide?from=email";
const BOT_UA = "Mozilla/5.0 (compatible; BingPreview/1.0b)";

/**
 * DESIGN.md invariant 9 and "Signals": every link of an email points at the service, and a fetch
 * counts as a person's only when the signal rules say so. A mail filter's fetches — a bot's user
 * agent, a HEAD, a browser's fetch as the message lands, a burst of one email's links, the
 * burst's address again — count nothing; a person's download and click count once.
 */
describe("signals: a mail scanner is not a reader", () => {
  let stack: TestStack;
  let workers: RunningWorkers;
  beforeAll(async () => {
    stack = await createStack({
      env: { ADMIN_TOKEN: TOKEN, TRUST_PROXY: "true", RELATED_READING_STARTER_URL: STARTER, BOOKING_URL: "https://clinic.example/book" },
    });
    workers = await stack.startWorkers();
  });
  afterAll(async () => {
    await workers.close();
    await stack.close();
  });

  /** Signs a reader up and returns their welcome: its row and every link in it. */
  async function welcome(label: string) {
    const email = uniqueEmail(label);
    expect((await postJson(stack, { email })).status).toBe(202);
    await stack.fake!.waitFor((f) => f.acceptedTo(email).length > 0, 10_000);
    const sent = stack.fake!.acceptedTo(email)[0]!;
    const [row] = await stack.deps.db.sql<{ id: number; subscriberId: string }[]>`
      select d.id, d.subscriber_id as "subscriberId" from deliveries d join subscribers s on s.id = d.subscriber_id
       where s.email = ${email} and d.step = 'welcome'`;
    const paths = (prefix: string) => [...new Set([...(sent.html ?? "").matchAll(new RegExp(`http://guide\\.test(/${prefix}/[A-Za-z0-9_.-]+)`, "g"))].map((m) => m[1]!))];
    const [guide] = paths("guide");
    const [unsubscribe] = paths("unsubscribe");
    const tracked = paths("l");
    return { email, deliveryId: row!.id, subscriberId: row!.subscriberId, sent, guide: guide!, unsubscribe: unsubscribe!, tracked };
  }

  const fetchAs = (path: string, ip: string, userAgent: string | undefined, method = "GET") =>
    stack.app.request(path, { method, headers: { "x-forwarded-for": ip, ...(userAgent ? { "user-agent": userAgent } : {}) } });

  async function stats(): Promise<CampaignStats> {
    const res = await stack.app.request("/admin/api/stats", { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.status).toBe(200);
    return (await res.json()) as CampaignStats;
  }

  const visits = (subscriberId: string) =>
    stack.deps.db.sql<{ link: string; automated: string | null }[]>`
      select link, automated from link_visits where subscriber_id = ${subscriberId} order by id`;

  it("every link of the email points at the service; the plain text carries the same links; a token names the email and the link, not the address", async () => {
    const w = await welcome("links");
    expect(w.tracked).toHaveLength(1); // the related reading (the welcome has no booking link)
    const hrefs = [...(w.sent.html ?? "").matchAll(/href="([^"]+)"/g)].map((m) => m[1]!);
    expect(hrefs.length).toBeGreaterThan(0);
    for (const href of hrefs) expect(href.startsWith("http://guide.test/")).toBe(true);
    for (const path of [w.guide, w.unsubscribe, ...w.tracked]) expect(w.sent.text).toContain(`http://guide.test${path}`);
    const check = verifyToken(TEST_SECRET, w.tracked[0]!.split("/").pop()!, "link");
    expect(check).toMatchObject({ ok: true, subject: String(w.deliveryId), detail: "reading-starter" });
    const payload = Buffer.from(w.tracked[0]!.split("/").pop()!.split(".")[0]!, "base64url").toString();
    expect(payload).not.toContain(w.email);
    expect(payload).not.toContain(w.subscriberId);
  });

  it("a filter's fetches — a bot, a HEAD, a browser as the email lands, a burst, the burst's address — count nothing", async () => {
    const before = await stats();
    const a = await welcome("filtered");
    // As the message lands (within seconds of sending): a bot says what it is, a checker sends
    // HEAD, and a filter posing as a browser is simply too early.
    expect((await fetchAs(a.guide, "203.0.113.5", BOT_UA)).status).toBe(200);
    expect((await fetchAs(a.guide, "203.0.113.5", undefined, "HEAD")).status).toBe(200);
    expect((await fetchAs(a.guide, "203.0.113.5", BROWSER_UA)).status).toBe(200);
    // A minute later, a scanner that poses as a browser fetches every link at once: a burst.
    await sentSecondsAgo(stack, a.deliveryId, 60);
    expect((await fetchAs(a.guide, "203.0.113.9", BROWSER_UA)).status).toBe(200);
    const redirect = await fetchAs(a.tracked[0]!, "203.0.113.9", BROWSER_UA);
    expect(redirect.status).toBe(302);
    expect((await fetchAs(a.unsubscribe, "203.0.113.9", BROWSER_UA)).status).toBe(200);
    // The same scanner, another reader's email, one link only, a while after it landed.
    const b = await welcome("filtered-too");
    await sentSecondsAgo(stack, b.deliveryId, 300);
    expect((await fetchAs(b.guide, "203.0.113.9", BROWSER_UA)).status).toBe(200);

    await waitSettled(stack, a.subscriberId);
    await waitSettled(stack, b.subscriberId);
    expect((await visits(a.subscriberId)).map((v) => [v.link, v.automated])).toEqual([
      ["guide", "bot-agent"],
      ["guide", "head"],
      ["guide", "early"],
      ["guide", "burst"],
      ["reading-starter", "burst"],
      ["unsubscribe", "burst"],
    ]);
    expect((await visits(b.subscriberId)).map((v) => [v.link, v.automated])).toEqual([["guide", "burst-address"]]);
    const [downloads] = await stack.deps.db.sql<{ n: number }[]>`
      select count(*)::int as n from guide_downloads where subscriber_id in (${a.subscriberId}, ${b.subscriberId})`;
    expect(downloads!.n).toBe(0);
    // Nobody left: the unsubscribe page's GET changes nothing.
    const [status] = await stack.deps.db.sql<{ status: string }[]>`select status from subscribers where id = ${a.subscriberId}`;
    expect(status!.status).toBe("active");

    const after = await stats();
    expect(after.guide.downloads).toBe(before.guide.downloads);
    expect(after.guide.uniqueSubscribers).toBe(before.guide.uniqueSubscribers);
    expect(after.guide.automated).toBe(before.guide.automated + 5);
    const welcomeStep = (s: CampaignStats) => s.steps.find((x) => x.step === "welcome")!;
    expect(welcomeStep(after).clicked).toBe(welcomeStep(before).clicked);
    expect(welcomeStep(after).automatedClicks).toBe(welcomeStep(before).automatedClicks + 6);
  });

  it("a person's download and click count once; the tracked link redirects to its target", async () => {
    const before = await stats();
    const c = await welcome("person");
    // The reader opens the email half a minute after it arrived, from their own address.
    await sentSecondsAgo(stack, c.deliveryId, 30);
    for (let i = 0; i < 2; i++) {
      const res = await fetchAs(c.guide, "192.0.2.20", BROWSER_UA);
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toBe("application/pdf");
    }
    await waitSettled(stack, c.subscriberId);
    // One link at a time: later, the related reading.
    const res = await fetchAs(c.tracked[0]!, "192.0.2.20", BROWSER_UA);
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe(STARTER);
    expect(res.headers.get("cache-control")).toBe("private, no-store");
    await waitSettled(stack, c.subscriberId);

    expect((await visits(c.subscriberId)).map((v) => [v.link, v.automated])).toEqual([
      ["guide", null],
      ["guide", null],
      ["reading-starter", null],
    ]);
    const [downloads] = await stack.deps.db.sql<{ n: number }[]>`select count(*)::int as n from guide_downloads where subscriber_id = ${c.subscriberId}`;
    expect(downloads!.n).toBe(1);
    const after = await stats();
    expect(after.guide.downloads).toBe(before.guide.downloads + 1);
    expect(after.guide.uniqueSubscribers).toBe(before.guide.uniqueSubscribers + 1);
    expect(after.guide.automated).toBe(before.guide.automated);
    const welcomeStep = (s: CampaignStats) => s.steps.find((x) => x.step === "welcome")!;
    expect(welcomeStep(after).clicked).toBe(welcomeStep(before).clicked + 1);
    expect(welcomeStep(after).automatedClicks).toBe(welcomeStep(before).automatedClicks);
  });

  it("a tracked link that is not ours gets a 400 page; one whose target the clinic removed a 410 page", async () => {
    const w = await welcome("gone");
    const token = w.tracked[0]!.split("/").pop()!;
    const tampered = await stack.app.request(`/l/${token.slice(0, -3)}abc`, { headers: { "user-agent": BROWSER_UA } });
    expect(tampered.status).toBe(400);
    expect(tampered.headers.get("location")).toBeNull();
    // The same link where RELATED_READING_STARTER_URL is unset (the clinic took the page off).
    const other = await createStack({ transport: "outbox" });
    try {
      const res = await other.app.request(w.tracked[0]!, { headers: { "user-agent": BROWSER_UA } });
      expect(res.status).toBe(410);
      expect(await res.text()).toContain("no longer available");
    } finally {
      await other.close();
    }
  });

  it("engagement older than ENGAGEMENT_RETENTION_DAYS folds into anonymous counts without moving a number; export and erase cover it", async () => {
    const d = await welcome("retained");
    await sentSecondsAgo(stack, d.deliveryId, 30);
    expect((await fetchAs(d.guide, "192.0.2.30", BROWSER_UA)).status).toBe(200);
    expect((await fetchAs(d.guide, "192.0.2.30", BOT_UA)).status).toBe(200);
    await waitSettled(stack, d.subscriberId);

    const exported = (await (
      await stack.app.request(`/admin/api/subscribers/export?email=${encodeURIComponent(d.email)}`, { headers: { authorization: `Bearer ${TOKEN}` } })
    ).json()) as { linkVisits: { ip: string | null; link: string }[] };
    expect(exported.linkVisits.map((v) => [v.link, v.ip])).toEqual([
      ["guide", "192.0.2.30"],
      ["guide", "192.0.2.30"],
    ]);

    // A year and more passes for this reader's engagement.
    await stack.deps.db.sql`update link_visits set visited_at = visited_at - interval '400 days' where subscriber_id = ${d.subscriberId}`;
    await stack.deps.db.sql`update guide_downloads set downloaded_at = downloaded_at - interval '400 days' where subscriber_id = ${d.subscriberId}`;
    const before = await stats();
    expect(await foldOldEngagement(stack.deps.db.sql, 365, 1000)).toBeGreaterThanOrEqual(1);
    const after = await stats();
    expect({ ...after, generatedAt: "" }).toEqual({ ...before, generatedAt: "" });
    const [left] = await stack.deps.db.sql<{ visits: number; downloads: number; archived: number }[]>`
      select (select count(*)::int from link_visits where subscriber_id = ${d.subscriberId}) as visits,
             (select count(*)::int from guide_downloads where subscriber_id = ${d.subscriberId}) as downloads,
             (select count(*)::int from engagement_archive) as archived`;
    expect(left).toEqual({ visits: 0, downloads: 0, archived: expect.any(Number) });
    expect(left!.archived).toBeGreaterThan(0);
    // Nothing old is left: a second pass folds nothing and still moves nothing.
    expect(await foldOldEngagement(stack.deps.db.sql, 365, 1000)).toBe(0);

    // Erasure keeps the counts of the fetches it finds, without the address or the browser.
    const e = await welcome("erased");
    await sentSecondsAgo(stack, e.deliveryId, 30);
    expect((await fetchAs(e.guide, "192.0.2.31", BROWSER_UA)).status).toBe(200);
    await waitSettled(stack, e.subscriberId);
    const erase = await stack.app.request("/admin/api/subscribers/erase", {
      method: "POST",
      headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify({ email: e.email }),
    });
    expect(erase.status).toBe(200);
    const scrubbed = await stack.deps.db.sql<{ ip: string | null; user_agent: string | null }[]>`
      select ip, user_agent from link_visits where subscriber_id = ${e.subscriberId}`;
    expect(scrubbed).toEqual([{ ip: null, user_agent: null }]);
  });
});
