import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CampaignStats } from "../../src/admin/stats.js";
import { FLARE_UP_RESET, type SequenceDefinition } from "../../src/campaign/sequence.js";
import { replanEnrollment } from "../../src/campaign/replan.js";
import { activationDeps } from "../../src/deps.js";
import { newWebhookSecret } from "../../src/notify/signing.js";
import type { RunningWorkers } from "../../workers/index.js";
import { wipeQueueStore } from "../support/queue-faults.js";
import { BROWSER_UA, openActionLink, sentSecondsAgo, waitSettled } from "../support/signals.js";
import { verifyToken } from "../../src/tokens.js";
import { createStack, postJson, TEST_SECRET, uniqueEmail, waitFor, waitForQuiet, type TestStack } from "../support/stack.js";
import { startWebhookReceiver, type WebhookReceiver } from "../support/webhook-receiver.js";

const TOKEN = "check-in-admin-token-".padEnd(40, "c");
const checkIn = FLARE_UP_RESET.steps.find((s) => s.key === "check-in")!;
/**
 * The default sequence's check-in and its branches, with the first five emails left out: at a
 * day a second the question goes out at once, an answer's email a second after it (five for "about
 * the same"; at once for "worse"), and — with no answer — the closing email 12 seconds after the question (4 days in
 * the default: here longer, so a loaded machine answers well before it is due).
 */
const LISTENING: SequenceDefinition = {
  key: "flare-up-reset",
  steps: [
    { key: "welcome", delayDays: 0 },
    { ...checkIn, delayDays: 0 },
    // "About the same" a little later than the default's day, so a re-plan can catch its email waiting.
    ...FLARE_UP_RESET.steps.filter((s) => s.key.startsWith("check-in-")).map((s) => (s.key === "check-in-same" ? { ...s, delayDays: 5 } : s)),
    { key: "closing", delayDays: 12 },
  ],
};
const BRANCH_STEPS = ["check-in-worse", "check-in-same", "check-in-better", "closing"];

/**
 * DESIGN.md "The check-in, branches and goals", on both queue backends: each answer leads to its
 * one email, no answer to the closing one, a mail filter answers nothing, the latest answer before
 * the claim wins, a conversion stops the sequence, and a wiped queue store loses none of it.
 */
describe("the sequence listens", () => {
  let stack: TestStack;
  let workers: RunningWorkers;
  let receiver: WebhookReceiver;
  beforeAll(async () => {
    stack = await createStack({ sequence: LISTENING, env: { SEQUENCE_TIME_SCALE: "86400", ADMIN_TOKEN: TOKEN, TRUST_PROXY: "true" } });
    receiver = await startWebhookReceiver();
    receiver.secret = newWebhookSecret();
    await stack.deps.db.sql`
      insert into webhook_endpoints (url, secret, events)
      values (${receiver.url}, ${stack.deps.webhooks.secrets.seal(receiver.secret)}, ${["checkin.answered", "subscriber.converted"]})`;
    workers = await stack.startWorkers();
  });
  afterAll(async () => {
    await workers.close();
    await stack.close();
    await receiver.close();
  });

  /** Signs a reader up and waits for their check-in email; returns its three answer pages. */
  async function askedReader(label: string) {
    const email = uniqueEmail(label);
    expect((await postJson(stack, { email })).status).toBe(202);
    await stack.fake!.waitFor((f) => f.acceptedTo(email).some((e) => e.tags?.[0]?.value === "check-in"), 15_000);
    const question = stack.fake!.acceptedTo(email).find((e) => e.tags?.[0]?.value === "check-in")!;
    // The three answer pages, told apart by what their token names (the buttons' labels sit in markup).
    const pages = new Map(
      [...(question.html ?? "").matchAll(/http:\/\/guide\.test(\/check-in\/([A-Za-z0-9_.-]+))/g)].map((m) => {
        const token = verifyToken(TEST_SECRET, m[2]!, "answer");
        return [token.ok ? token.detail : undefined, m[1]!] as const;
      }),
    );
    const path = (answer: string) => {
      const found = pages.get(answer);
      if (!found) throw new Error(`no "${answer}" answer in the check-in`);
      return found;
    };
    const [row] = await stack.deps.db.sql<{ id: string }[]>`select id from subscribers where email = ${email}`;
    return { email, id: row!.id, better: path("better"), same: path("same"), worse: path("worse") };
  }

  const stepsTo = (email: string) => stack.fake!.acceptedTo(email).map((e) => e.tags?.[0]?.value);
  const lastEmailOf = (email: string) => waitFor(async () => stepsTo(email).find((s) => BRANCH_STEPS.includes(s ?? "")), 25_000, `the last email to ${email}`);

  async function stats(): Promise<CampaignStats> {
    return (await (await stack.app.request("/admin/api/stats", { headers: { authorization: `Bearer ${TOKEN}` } })).json()) as CampaignStats;
  }

  it("each answer leads to its one email, and its page says what comes next", async () => {
    const readers = await Promise.all((["better", "same", "worse"] as const).map(async (answer) => ({ answer, r: await askedReader(answer) })));
    for (const { answer, r } of readers) {
      const { page, answer: posted } = await openActionLink(stack, r[answer], { "x-forwarded-for": "192.0.2.60" });
      expect(page.status).toBe(200);
      expect(posted.status).toBe(200);
      const html = await posted.text();
      if (answer === "worse") {
        // The emergency signs first, before anything about the email to come.
        expect(html.indexOf('id="emergency"')).toBeGreaterThan(-1);
        expect(html.indexOf('id="emergency"')).toBeLessThan(html.indexOf("we are sending you an email now"));
      } else {
        expect(html).toContain("Tomorrow we will send you");
      }
    }
    for (const { answer, r } of readers) expect(await lastEmailOf(r.email)).toBe(`check-in-${answer}`);
    await waitForQuiet(stack, { laterThanMs: 3_000 });
    for (const { r } of readers) {
      expect(stepsTo(r.email).filter((s) => BRANCH_STEPS.includes(s ?? ""))).toHaveLength(1);
      const [answer] = await stack.deps.db.sql<{ ip: string; user_agent: string }[]>`select ip, user_agent from checkin_answers where subscriber_id = ${r.id}`;
      expect(answer).toEqual({ ip: "192.0.2.60", user_agent: BROWSER_UA });
    }
    // Told to the clinic's tools, once each, with the answer.
    await receiver.waitFor((calls) => readers.every(({ answer, r }) => calls.some((c) => c.type === "checkin.answered" && (c.payload.data.subscriber as { id: string }).id === r.id && c.payload.data.answer === answer)), 15_000, "checkin.answered");
  });

  it("a mail filter's fetches answer nothing; with no answer comes the closing email", { timeout: 45_000 }, async () => {
    const r = await askedReader("unanswered");
    // As the email lands: every answer at once, as a browser, and a HEAD.
    for (const path of [r.better, r.same, r.worse]) {
      expect((await stack.app.request(path, { headers: { "user-agent": BROWSER_UA, "x-forwarded-for": "203.0.113.40" } })).status).toBe(200);
    }
    expect((await stack.app.request(r.worse, { method: "HEAD", headers: { "x-forwarded-for": "203.0.113.40" } })).status).toBe(200);
    expect(await lastEmailOf(r.email)).toBe("closing");
    const [{ n }] = (await stack.deps.db.sql`select count(*)::int as n from checkin_answers where subscriber_id = ${r.id}`) as unknown as [{ n: number }];
    expect(n).toBe(0);
    const visits = await stack.deps.db.sql<{ automated: string | null }[]>`select automated from link_visits where subscriber_id = ${r.id}`;
    expect(visits.length).toBe(4);
    expect(visits.every((v) => v.automated !== null)).toBe(true);
  });

  it("the latest answer before the email is claimed wins; after it, an answer changes nothing", async () => {
    const r = await askedReader("changed-mind");
    expect((await openActionLink(stack, r.same)).answer.status).toBe(200); // its email waits a day (a second)
    expect((await openActionLink(stack, r.worse)).answer.status).toBe(200); // …and is replaced: at once
    expect(await lastEmailOf(r.email)).toBe("check-in-worse");
    await waitForQuiet(stack, { laterThanMs: 3_000 });
    expect((await openActionLink(stack, r.better)).answer.status).toBe(200);
    await waitForQuiet(stack, { laterThanMs: 3_000 });
    expect(stepsTo(r.email).filter((s) => BRANCH_STEPS.includes(s ?? ""))).toEqual(["check-in-worse"]);
    const answers = await stack.deps.db.sql<{ answer: string }[]>`select answer from checkin_answers where subscriber_id = ${r.id} order by id`;
    expect(answers.map((a) => a.answer)).toEqual(["same", "worse", "better"]);
    const [enrollment] = await stack.deps.db.sql<{ state: string }[]>`select state from enrollments where subscriber_id = ${r.id}`;
    expect(enrollment!.state).toBe("completed");
  });

  it("re-planning after a change of the definition keeps the answer: the email it leads to is re-timed, not lost", async () => {
    const r = await askedReader("replanned");
    expect((await openActionLink(stack, r.same)).answer.status).toBe(200);
    const [enrollment] = await stack.deps.db.sql<{ id: number }[]>`select id from enrollments where subscriber_id = ${r.id}`;
    // The clinic now waits eight days (seconds, here) before the "about the same" email.
    const changed: SequenceDefinition = { ...LISTENING, steps: LISTENING.steps.map((s) => (s.key === "check-in-same" ? { ...s, delayDays: 8 } : s)) };
    const outcome = await replanEnrollment({ ...activationDeps(stack.deps), sequence: changed }, enrollment!.id);
    expect(outcome).toMatchObject({ kind: "rescheduled", from: "check-in-same" });
    const [pending] = await stack.deps.db.sql<{ step: string; due_at: Date }[]>`
      select step, due_at from deliveries where subscriber_id = ${r.id} and state = 'scheduled'`;
    const [answer] = await stack.deps.db.sql<{ answered_at: Date }[]>`select answered_at from checkin_answers where subscriber_id = ${r.id}`;
    expect(pending!.step).toBe("check-in-same");
    expect(pending!.due_at.getTime() - answer!.answered_at.getTime()).toBe(8000); // 8 days at a day a second
  });

  it("a wiped queue store loses none of the new steps: the answer's email goes once", async () => {
    const r = await askedReader("wiped");
    expect((await openActionLink(stack, r.better)).answer.status).toBe(200);
    await wipeQueueStore(stack); // the better-email's delayed job is gone with it
    expect(await lastEmailOf(r.email)).toBe("check-in-better");
    await waitForQuiet(stack, { laterThanMs: 3_000 });
    expect(stepsTo(r.email).filter((s) => BRANCH_STEPS.includes(s ?? ""))).toEqual(["check-in-better"]);
  });

  it("export holds the answers; erasure keeps them for the counts without the address or browser", async () => {
    const r = await askedReader("rights");
    expect((await openActionLink(stack, r.same, { "x-forwarded-for": "192.0.2.61" })).answer.status).toBe(200);
    const admin = (path: string, init: RequestInit = {}) =>
      stack.app.request(path, { ...init, headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" } });
    const exported = (await (await admin(`/admin/api/subscribers/export?email=${encodeURIComponent(r.email)}`)).json()) as {
      checkInAnswers: { answer: string; ip: string | null }[];
    };
    expect(exported.checkInAnswers.map((a) => [a.answer, a.ip])).toEqual([["same", "192.0.2.61"]]);
    expect((await admin("/admin/api/subscribers/erase", { method: "POST", body: JSON.stringify({ email: r.email }) })).status).toBe(200);
    const kept = await stack.deps.db.sql<{ answer: string; ip: string | null; user_agent: string | null }[]>`
      select answer, ip, user_agent from checkin_answers where subscriber_id = ${r.id}`;
    expect(kept).toEqual([{ answer: "same", ip: null, user_agent: null }]);
  });

  it("the stats count who was asked and what they answered", async () => {
    const s = await stats();
    expect(s.checkIn.asked).toBe(s.steps.find((x) => x.step === "check-in")!.sent);
    expect(s.checkIn.better).toBeGreaterThanOrEqual(2); // "better", "wiped" (and the changed mind's latest)
    expect(s.checkIn.same).toBeGreaterThanOrEqual(1);
    expect(s.checkIn.worse).toBeGreaterThanOrEqual(1);
    expect(s.checkIn.asked).toBe(s.checkIn.better + s.checkIn.same + s.checkIn.worse + s.checkIn.unanswered);
    expect(s.checkIn.unanswered).toBeGreaterThanOrEqual(1);
  });
});

describe("goals: POST /admin/api/conversions", () => {
  let stack: TestStack;
  let workers: RunningWorkers;
  let receiver: WebhookReceiver;
  beforeAll(async () => {
    stack = await createStack({ env: { SEQUENCE_TIME_SCALE: "86400", ADMIN_TOKEN: TOKEN, BOOKING_URL: "https://clinic.example/book" } });
    receiver = await startWebhookReceiver();
    receiver.secret = newWebhookSecret();
    await stack.deps.db.sql`
      insert into webhook_endpoints (url, secret, events) values (${receiver.url}, ${stack.deps.webhooks.secrets.seal(receiver.secret)}, ${["subscriber.converted"]})`;
    workers = await stack.startWorkers();
  });
  afterAll(async () => {
    await workers.close();
    await stack.close();
    await receiver.close();
  });

  const convert = (body: unknown, token = TOKEN) =>
    stack.app.request("/admin/api/conversions", {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    });

  it("stops every pending send of the sequence for a reader who booked; they stay on the list", async () => {
    const email = uniqueEmail("booked");
    expect((await postJson(stack, { email })).status).toBe(202);
    await stack.fake!.waitFor((f) => f.acceptedTo(email).length === 1, 10_000); // the welcome; "triggers" waits a day (a second)
    const res = await convert({ email: email.toUpperCase(), goal: "booked" });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "converted" });
    const again = await convert({ email, goal: "booked" });
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ status: "converted" });
    await waitForQuiet(stack);
    expect(stack.fake!.acceptedTo(email).map((e) => e.tags?.[0]?.value)).toEqual(["welcome"]);
    const [row] = await stack.deps.db.sql<{ status: string; enrollment: string; pending: number; conversions: number }[]>`
      select s.status, e.state as enrollment,
             (select count(*)::int from deliveries d where d.subscriber_id = s.id and d.state = 'scheduled') as pending,
             (select count(*)::int from conversions c where c.subscriber_id = s.id) as conversions
        from subscribers s join enrollments e on e.subscriber_id = s.id where s.email = ${email}`;
    expect(row).toEqual({ status: "active", enrollment: "converted", pending: 0, conversions: 1 });
    const stats = (await (await stack.app.request("/admin/api/stats", { headers: { authorization: `Bearer ${TOKEN}` } })).json()) as CampaignStats;
    expect(stats.conversions.booked).toBe(1);
    expect(stats.sources.reduce((n, s) => n + s.booked, 0)).toBe(1);
    // Told to the clinic's tools once, with the goal.
    await receiver.waitFor((calls) => calls.some((c) => c.type === "subscriber.converted" && c.payload.data.goal === "booked"), 15_000, "subscriber.converted");
    expect(receiver.calls.filter((c) => c.type === "subscriber.converted")).toHaveLength(1);
  });

  it("a person's click on the booking link counts apart, as a booking click, not a booking", async () => {
    const email = uniqueEmail("clicked-booking");
    expect((await postJson(stack, { email })).status).toBe(202);
    // "positions" (day 3) carries the booking link; the reader opens it a minute after it came.
    await stack.fake!.waitFor((f) => f.acceptedTo(email).some((e) => e.tags?.[0]?.value === "positions"), 15_000);
    const positions = stack.fake!.acceptedTo(email).find((e) => e.tags?.[0]?.value === "positions")!;
    const booking = [...(positions.html ?? "").matchAll(/http:\/\/guide\.test(\/l\/([A-Za-z0-9_.-]+))/g)].find((m) => {
      const token = verifyToken(TEST_SECRET, m[2]!, "link");
      return token.ok && token.detail === "booking";
    })?.[1];
    expect(booking).toBeDefined();
    const [row] = await stack.deps.db.sql<{ id: number; subscriber_id: string }[]>`
      select d.id, d.subscriber_id from deliveries d join subscribers s on s.id = d.subscriber_id where s.email = ${email} and d.step = 'positions'`;
    await sentSecondsAgo(stack, row!.id, 60);
    const before = (await (await stack.app.request("/admin/api/stats", { headers: { authorization: `Bearer ${TOKEN}` } })).json()) as CampaignStats;
    const res = await stack.app.request(booking!, { headers: { "user-agent": BROWSER_UA } });
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("https://clinic.example/book");
    await waitSettled(stack, row!.subscriber_id);
    const after = (await (await stack.app.request("/admin/api/stats", { headers: { authorization: `Bearer ${TOKEN}` } })).json()) as CampaignStats;
    expect(after.bookingClicks).toBe(before.bookingClicks + 1);
    expect(after.conversions.booked).toBe(before.conversions.booked);
  });

  it("an address not on the list is a 404; another goal a 400 naming goal; no token a 401", async () => {
    expect((await convert({ email: "nobody-here@example.com", goal: "booked" })).status).toBe(404);
    const bad = await convert({ email: "a@example.com", goal: "bought" });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { field: string } }).error.field).toBe("goal");
    expect((await convert({ goal: "booked" })).status).toBe(400);
    expect((await convert({ email: "a@example.com", goal: "booked" }, "wrong-token-wrong-token-wrong")).status).toBe(401);
  });
});
