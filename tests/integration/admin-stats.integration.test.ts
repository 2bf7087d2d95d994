import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { leave } from "../../src/campaign/leave.js";
import { eraseAddress } from "../../src/data-rights/data-rights.js";
import { ORPHAN_ID } from "../../src/db/stats-functions.js";
import { foldStats, pendingStatsMarks, rebuildStats } from "../../src/db/queries/stats.js";
import { FLARE_UP_RESET } from "../../src/campaign/sequence.js";
import type { CampaignStats } from "../../src/admin/stats.js";
import { createStack, type TestStack } from "../support/stack.js";
import { differences, oracleStats } from "../support/stats-oracle.js";

const TOKEN = "stats-admin-token-".padEnd(40, "s");

/**
 * GET /admin/api/stats against a database seeded with known counts: every field of the shape,
 * the filters, and the three ways the numbers are produced (live marks, after the fold, after a
 * full rebuild) — each checked by hand and against a brute-force count of the base tables.
 */
describe("GET /admin/api/stats: exact numbers", () => {
  let stack: TestStack;
  const ids: Record<string, string> = {};

  const stats = async (query = ""): Promise<CampaignStats> => {
    const res = await stack.app.request(`/admin/api/stats${query}`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.status).toBe(200);
    return (await res.json()) as CampaignStats;
  };
  const step = (s: CampaignStats, key: string) => s.steps.find((x) => x.step === key) ?? s.retiredSteps.find((x) => x.step === key);
  const exactAgainstDatabase = async (s: CampaignStats, filter: { source?: string } = {}) =>
    expect(differences(s, await oracleStats(stack.deps.db.sql, filter))).toEqual([]);

  beforeAll(async () => {
    stack = await createStack({ transport: "outbox", env: { ADMIN_TOKEN: TOKEN } });
    const sql = stack.deps.db.sql;
    // Eight subscribers with a known story each (see the expectations below).
    const people = [
      ["a", "active", "article", null, "2026-11-01T09:00:00Z", true],
      ["b", "active", "article", null, "2026-11-01T23:30:00Z", true],
      ["c", "unsubscribed", null, null, "2026-11-02T12:00:00Z", true],
      ["d", "unsubscribed", "ig", null, "2026-11-03T00:10:00Z", true],
      ["e", "bounced", "ig", "insta", "2026-11-03T08:00:00Z", true],
      ["f", "complained", "article", null, "2026-11-03T20:00:00Z", true],
      ["g", "pending", null, null, "2026-11-04T10:00:00Z", false],
      ["h", "active", null, null, "2026-11-04T11:00:00Z", true],
    ] as const;
    for (const [key, status, source, utmSource, createdAt, confirmed] of people) {
      const [row] = await sql<{ id: string }[]>`
        insert into subscribers (email, status, source, utm_source, created_at, confirmed_at, left_at)
        values (${`${key}-stats@example.com`}, ${status}, ${source}, ${utmSource}, ${createdAt}, ${confirmed ? createdAt : null},
                ${["unsubscribed", "bounced", "complained"].includes(status) ? createdAt : null})
        returning id`;
      ids[key] = row!.id;
    }
    const enrollment = async (key: string, state: string) => {
      const [row] = await sql<{ id: string }[]>`
        insert into enrollments (subscriber_id, sequence, state) values (${ids[key]!}, 'flare-up-reset', ${state}) returning id`;
      return row!.id;
    };
    const deliveries: Record<string, string> = {};
    const deliver = async (key: string, enrollmentId: string, stepKey: string, state: string, minute: number) => {
      const sentAt = state === "sent" ? new Date(Date.UTC(2026, 10, 10, 0, minute)) : null;
      const [row] = await sql<{ id: string }[]>`
        insert into deliveries (enrollment_id, subscriber_id, step, state, due_at, sent_at, last_error)
        values (${enrollmentId}, ${ids[key]!}, ${stepKey}, ${state}, now(), ${sentAt}, ${state === "failed" ? "422 invalid" : null})
        returning id`;
      deliveries[`${key}.${stepKey}`] = row!.id;
    };
    const a = await enrollment("a", "completed");
    await deliver("a", a, "legacy", "sent", 1);
    for (const [i, s] of ["welcome", "triggers", "positions", "mistakes", "red-flags"].entries()) await deliver("a", a, s, "sent", 10 + i);
    const b = await enrollment("b", "active");
    await deliver("b", b, "welcome", "sent", 10);
    await deliver("b", b, "triggers", "sent", 11);
    await deliver("b", b, "positions", "scheduled", 0);
    const c = await enrollment("c", "stopped");
    await deliver("c", c, "welcome", "sent", 10);
    await deliver("c", c, "triggers", "sent", 11);
    await deliver("c", c, "positions", "cancelled", 0);
    const d = await enrollment("d", "stopped");
    await deliver("d", d, "welcome", "cancelled", 0);
    const e = await enrollment("e", "stopped");
    await deliver("e", e, "welcome", "sent", 10);
    const f = await enrollment("f", "stopped");
    await deliver("f", f, "welcome", "sent", 10);
    await deliver("f", f, "triggers", "sent", 11);
    const h = await enrollment("h", "active");
    await deliver("h", h, "welcome", "failed", 0);

    const visit = (delivery: string, link: string, automated: string | null) =>
      sql`insert into link_visits (subscriber_id, delivery_id, link, automated, settled)
          select subscriber_id, id, ${link}, ${automated}, true from deliveries where id = ${deliveries[delivery]!}`;
    let n = 0;
    const event = (delivery: string, type: string) =>
      sql`insert into email_events (provider_event_id, type, delivery_id, payload) values (${`ev-${n++}`}, ${type}, ${deliveries[delivery]!}, '{}')`;
    await event("a.welcome", "email.delivered");
    await event("a.welcome", "email.opened");
    await event("a.welcome", "email.opened"); // a second open of the same email counts once
    await event("a.welcome", "email.clicked"); // the provider's click: no longer a click (a scanner's fetch is one to it)
    await visit("a.welcome", "guide", null); // a person's fetch of the email's own link
    await visit("a.welcome", "guide", "bot-agent"); // a scanner's: counted apart
    await visit("c.welcome", "reading-starter", "burst");
    await visit("c.welcome", "unsubscribe", "burst"); // the unsubscribe page is no click at all
    await event("a.triggers", "email.delivered");
    await event("b.welcome", "email.delivered");
    await event("b.triggers", "email.delivered");
    await visit("b.triggers", "booking", null);
    await visit("b.triggers", "booking", null); // twice: one subscriber
    await event("c.welcome", "email.delivered");
    await event("c.triggers", "email.opened");
    await event("e.welcome", "email.bounced");
    await event("f.triggers", "email.complained");
    await event("a.welcome", "email.delivery_delayed"); // not a counted event
    // A person's fetch counts once it settles (src/db/queries/link-visits.ts settleVisits).
    await sql`insert into link_visits (subscriber_id, delivery_id, link) values (${ids.a!}, ${deliveries["a.triggers"]!}, 'booking')`;
    await sql`update link_visits set settled = true where delivery_id = ${deliveries["a.triggers"]!}`;

    await sql`insert into guide_downloads (subscriber_id) values (${ids.a!}), (${ids.a!}), (${ids.b!}), (null)`;
  });
  afterAll(() => stack.close());

  const checkSeeded = (s: CampaignStats) => {
    expect(s.subscribers).toEqual({ total: 8, pending: 1, active: 3, completed: 1, unsubscribed: 2, bounced: 1, complained: 1, confirmed: 7 });
    expect(s.guide).toEqual({ downloads: 4, uniqueSubscribers: 2, automated: 1 });
    expect(s.steps.map((x) => x.step)).toEqual(FLARE_UP_RESET.steps.map((x) => x.key));
    expect(step(s, "welcome")).toEqual({ step: "welcome", sent: 5, delivered: 3, opened: 1, clicked: 1, automatedClicks: 2, bounced: 1, complained: 0, failed: 1, unsubscribed: 0 });
    expect(step(s, "triggers")).toEqual({ step: "triggers", sent: 4, delivered: 2, opened: 1, clicked: 2, automatedClicks: 0, bounced: 0, complained: 1, failed: 0, unsubscribed: 1 });
    for (const key of ["positions", "mistakes", "red-flags"]) {
      expect(step(s, key)).toEqual({ step: key, sent: 1, delivered: 0, opened: 0, clicked: 0, automatedClicks: 0, bounced: 0, complained: 0, failed: 0, unsubscribed: 0 });
    }
    expect(s.retiredSteps).toEqual([{ step: "legacy", sent: 1, delivered: 0, opened: 0, clicked: 0, automatedClicks: 0, bounced: 0, complained: 0, failed: 0, unsubscribed: 0 }]);
    expect(s.unsubscribedBeforeFirstEmail).toBe(1);
    expect(s.signupsByDay.slice(0, 5)).toEqual([
      { date: "2026-11-01", count: 2 },
      { date: "2026-11-02", count: 1 },
      { date: "2026-11-03", count: 3 },
      { date: "2026-11-04", count: 2 },
      { date: "2026-11-05", count: 0 },
    ]);
    expect(s.estimates["steps.opened"]).toMatch(/estimate/i);
  };

  it("counts every field exactly before the fold has run (the read adds the marked subscribers)", async () => {
    expect(await pendingStatsMarks(stack.deps.db.sql)).toBeGreaterThan(0);
    const s = await stats();
    checkSeeded(s);
    await exactAgainstDatabase(s);
  });

  it("gives the same numbers after the fold and after a full rebuild", async () => {
    expect(await foldStats(stack.deps.db.sql)).toBeGreaterThan(0);
    expect(await pendingStatsMarks(stack.deps.db.sql)).toBe(0);
    checkSeeded(await stats());
    await rebuildStats(stack.deps.db.sql);
    checkSeeded(await stats());
  });

  it("filters by signup day and by source/UTM", async () => {
    const article = await stats("?source=article");
    expect(article.subscribers).toEqual({ total: 3, pending: 0, active: 2, completed: 1, unsubscribed: 0, bounced: 0, complained: 1, confirmed: 3 });
    expect(article.guide).toEqual({ downloads: 3, uniqueSubscribers: 2, automated: 1 }); // the orphan download has no source
    expect(step(article, "welcome")).toMatchObject({ sent: 3, delivered: 2, clicked: 1 });
    expect(step(article, "triggers")).toMatchObject({ sent: 3, clicked: 2, complained: 1 });
    await exactAgainstDatabase(article, { source: "article" });

    const day3 = await stats("?from=2026-11-03&to=2026-11-03");
    expect(day3.subscribers).toMatchObject({ total: 3, unsubscribed: 1, bounced: 1, complained: 1, active: 0 });
    expect(step(day3, "welcome")).toMatchObject({ sent: 2, bounced: 1 });
    expect(step(day3, "triggers")).toMatchObject({ sent: 1, complained: 1 });
    expect(day3.signupsByDay).toEqual([{ date: "2026-11-03", count: 3 }]);
    expect(day3.guide).toEqual({ downloads: 0, uniqueSubscribers: 0, automated: 0 });

    const none = await stats("?source=(none)");
    expect(none.subscribers.total).toBe(3); // c, g, h
    const insta = await stats("?utm_source=insta");
    expect(insta.subscribers).toMatchObject({ total: 1, bounced: 1 });
    expect(insta.sources).toEqual([
      { source: "ig", utmSource: "insta", utmMedium: null, utmCampaign: null, signups: 1, confirmed: 1, active: 0, guideDownloaders: 0, emailsClicked: 0, unsubscribed: 0, booked: 0 },
    ]);
    const nothing = await stats("?from=2025-01-01&to=2025-01-03");
    expect(nothing.subscribers.total).toBe(0);
    expect(nothing.signupsByDay).toEqual([
      { date: "2025-01-01", count: 0 },
      { date: "2025-01-02", count: 0 },
      { date: "2025-01-03", count: 0 },
    ]);
  });

  it("answers 400 for a bad filter", async () => {
    for (const query of ["?from=yesterday", "?from=2026-11-05&to=2026-11-01", "?to=2026-02-30"]) {
      const res = await stack.app.request(`/admin/api/stats${query}`, { headers: { authorization: `Bearer ${TOKEN}` } });
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe("invalid_input");
    }
  });

  it("follows changes at once — leaving, a late click, an erasure, a deleted download — folded or not", async () => {
    const sql = stack.deps.db.sql;
    await leave(sql, ids.b!, "unsubscribed");
    await sql`insert into link_visits (subscriber_id, delivery_id, link, settled)
              select subscriber_id, id, 'guide', true from deliveries where subscriber_id = ${ids.c!} and step = 'welcome'`;
    await sql`delete from guide_downloads where subscriber_id is null`;
    const live = await stats();
    expect(live.subscribers).toMatchObject({ active: 2, unsubscribed: 3 });
    expect(step(live, "triggers")!.unsubscribed).toBe(2); // b left after "triggers"
    expect(step(live, "welcome")!.clicked).toBe(2);
    expect(live.guide).toEqual({ downloads: 3, uniqueSubscribers: 2, automated: 1 });
    await exactAgainstDatabase(live);
    await foldStats(sql);
    expect(await stats()).toEqual({ ...live, generatedAt: expect.any(String) });

    // Erasure first stops every send (a leaves: unsubscribed after "red-flags"), then keeps the
    // anonymous counts.
    await eraseAddress({ sql, db: stack.deps.db.db, logger: stack.deps.logger }, "a-stats@example.com", { suppress: false });
    const erased = await stats();
    expect(erased.subscribers).toEqual({ ...live.subscribers, active: 1, completed: 0, unsubscribed: 4 });
    expect(erased.steps).toEqual(live.steps.map((st) => (st.step === "red-flags" ? { ...st, unsubscribed: 1 } : st)));
    expect(erased.guide).toEqual(live.guide);
    await exactAgainstDatabase(erased);
    await exactAgainstDatabase(await stats("?source=article"), { source: "article" });
  });

  it("a restart of the rollup (what a migration that changes the stats functions does) stays exact", async () => {
    const sql = stack.deps.db.sql;
    const before = await stats();
    // As drizzle/0004_one_pipeline.sql ends: drop what is stored, mark everyone; the fold rebuilds.
    await sql`truncate stats_rollup, stats_subscriber_state, stats_dirty`;
    await sql`insert into stats_dirty (subscriber_id) select id from subscribers union all select ${ORPHAN_ID}::uuid`;
    expect(await pendingStatsMarks(sql)).toBeGreaterThanOrEqual(8);
    expect(await stats()).toEqual({ ...before, generatedAt: expect.any(String) });
    await foldStats(sql);
    expect(await stats()).toEqual({ ...before, generatedAt: expect.any(String) });
    await exactAgainstDatabase(await stats());
  });

  it("a confirmation or a fresh link never counts as a step", async () => {
    const sql = stack.deps.db.sql;
    const before = await stats();
    const [subscriber] = await sql<{ id: string }[]>`select id from subscribers order by created_at limit 1`;
    const [confirmation] = await sql<{ id: number }[]>`
      insert into deliveries (kind, subscriber_id, state, due_at, sent_at, provider_message_id)
      values ('confirmation', ${subscriber!.id}, 'sent', now(), now(), 'msg-confirm-stats'),
             ('fresh-link', ${subscriber!.id}, 'failed', now(), null, null)
      returning id`;
    await sql`
      insert into email_events (provider_event_id, type, provider_message_id, delivery_id, subscriber_id, payload, processed_at)
      values ('evt-confirm-stats', 'email.opened', 'msg-confirm-stats', ${confirmation!.id}, ${subscriber!.id}, '{}', now())`;
    expect(await stats()).toEqual({ ...before, generatedAt: expect.any(String) });
    await foldStats(sql);
    expect(await stats()).toEqual({ ...before, generatedAt: expect.any(String) });
    await exactAgainstDatabase(await stats());
  });

  it("a deleted subscriber leaves the numbers with everything it had", async () => {
    const sql = stack.deps.db.sql;
    await sql`delete from subscribers where id = ${ids.c!}`;
    const s = await stats();
    expect(s.subscribers.total).toBe(7);
    expect(step(s, "triggers")!.opened).toBe(0);
    await exactAgainstDatabase(s);
    await foldStats(sql);
    await exactAgainstDatabase(await stats());
  });
});
