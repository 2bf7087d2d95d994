import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AFFILIATE_DISCLOSURE, MEDICAL_DISCLAIMER } from "../../emails/components/layout.js";
import { leave } from "../../src/campaign/leave.js";
import { FLARE_UP_RESET } from "../../src/campaign/sequence.js";
import { DEFAULT_POSTAL_ADDRESS } from "../../src/config.js";
import { deliveryJobId } from "../../src/queue/jobs.js";
import { emailTemplates } from "../../src/mail/render.js";
import { linkTarget } from "../../src/signals/link-keys.js";
import { verifyToken } from "../../src/tokens.js";
import { createStack, postJson, TEST_SECRET, uniqueEmail, waitFor, waitForQuiet, type TestStack } from "../support/stack.js";

/** The default sequence for a reader who never answers the check-in: the closing email is the last. */
const STEPS = ["welcome", "triggers", "positions", "mistakes", "red-flags", "check-in", "closing"] as const;
const TOOLS_URL = "https://tools.example/recovery-kit";
// No built-in supplement link any more (issue 27): the test sets one to see the block go out.
const SUPPLEMENT_URL = "https://www.thorne.com/u/PR2106491";

type Row = { id: string; step: string; state: string; attempts: number; due_at: Date; sent_at: Date | null };

async function subscriberId(stack: TestStack, email: string): Promise<string> {
  const [row] = await stack.deps.db.sql<{ id: string }[]>`select id from subscribers where email = ${email}`;
  if (!row) throw new Error(`no subscriber ${email}`);
  return row.id;
}

async function deliveriesOf(stack: TestStack, email: string): Promise<Row[]> {
  return stack.deps.db.sql<Row[]>`
    select d.id, d.step, d.state, d.attempts, d.due_at, d.sent_at
      from deliveries d join subscribers s on s.id = d.subscriber_id
     where s.email = ${email} order by d.id`;
}

/** The text a reader sees, whatever the markup: entities decoded, whitespace collapsed. */
function readable(markup: string): string {
  return markup
    .replace(/&#x27;|&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, "&")
    .replace(/\s+/g, " ");
}

describe("the sequence, end to end at SEQUENCE_TIME_SCALE=86400 (a day a second)", () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await createStack({ env: { SEQUENCE_TIME_SCALE: "86400", TOOLS_URL, SUPPLEMENT_URL } });
    await stack.startWorkers();
  });
  afterAll(() => stack.close());

  it("delivers every step in order, each complete, and the enrollment ends completed", { timeout: 60_000 }, async () => {
    const email = uniqueEmail("seven");
    const signedUpAt = Date.now();
    expect((await postJson(stack, { email, firstName: "Ana", timezone: "Europe/Lisbon" })).status).toBe(202);
    await stack.fake!.waitFor((f) => f.acceptedTo(email).length === STEPS.length, 45_000);
    const elapsed = Math.max(...stack.fake!.acceptedTo(email).map((e) => e.receivedAt)) - signedUpAt;
    console.info(`[sequence] signup → last email accepted: ${elapsed} ms (delays sum to 14 days = 14 s)`);

    const id = await subscriberId(stack, email);
    const sent = stack.fake!.acceptedTo(email);
    expect(sent.map((e) => e.tags)).toEqual(STEPS.map((step) => [{ name: "step", value: step }]));
    const received = sent.map((e) => e.receivedAt);
    expect(received).toEqual([...received].sort((a, b) => a - b));

    const subjects = new Set<string>();
    for (const [i, step] of STEPS.entries()) {
      const e = sent[i]!;
      const template = emailTemplates[step];
      // Each email's own unsubscribe link (it names the email, for the signal rules), the reader's.
      const unsubscribeHeader = e.headers!["List-Unsubscribe"]!;
      expect(unsubscribeHeader).toMatch(/^<http:\/\/guide\.test\/unsubscribe\/[^>]+>$/);
      const unsubscribe = unsubscribeHeader.slice(1, -1);
      expect(verifyToken(TEST_SECRET, unsubscribe.split("/").pop()!, "unsubscribe")).toMatchObject({ ok: true, subject: id });
      expect(e.subject, step).toBe(template.subject({} as never));
      expect(e.subject, step).not.toContain("Ana");
      subjects.add(e.subject);
      expect(e.idempotencyKey, step).toBe(`fur-${step}-${id}`);
      expect(e.headers, step).toEqual({ "List-Unsubscribe": unsubscribeHeader, "List-Unsubscribe-Post": "List-Unsubscribe=One-Click" });
      const html = readable(e.html ?? "");
      const text = readable(e.text ?? "");
      for (const [part, body] of [["html", html], ["text", text]] as const) {
        expect(body, `${step} ${part}: preview line`).toContain(template.previewText);
        expect(body, `${step} ${part}: footer unsubscribe`).toContain(unsubscribe);
        expect(body, `${step} ${part}: postal address`).toContain(DEFAULT_POSTAL_ADDRESS);
        expect(body, `${step} ${part}: disclaimer`).toContain(MEDICAL_DISCLAIMER);
        const guide = /http:\/\/guide\.test\/guide\/([A-Za-z0-9_.-]+)/.exec(body);
        expect(guide, `${step} ${part}: guide link`).not.toBeNull();
        expect(verifyToken(TEST_SECRET, guide![1]!, "guide")).toMatchObject({ ok: true, subject: id });
      }
      if (step === "mistakes") {
        // The product links go through GET /l/:token (first-party) and lead to the configured pages.
        const targets = [...html.matchAll(/http:\/\/guide\.test\/l\/([A-Za-z0-9_.-]+)/g)].map((m) => {
          const check = verifyToken(TEST_SECRET, m[1]!, "link");
          return check.ok && check.detail ? linkTarget(stack.config.links, check.detail as never) : undefined;
        });
        expect(targets).toEqual(expect.arrayContaining([TOOLS_URL, SUPPLEMENT_URL]));
        for (const body of [html, text]) {
          expect(body).not.toContain(TOOLS_URL);
          expect(body).toContain(AFFILIATE_DISCLOSURE);
        }
      } else {
        expect(html, step).not.toContain(AFFILIATE_DISCLOSURE);
      }
    }
    expect(subjects.size).toBe(STEPS.length);

    // Postgres: each step sent once, each due exactly its delay after the previous send.
    const rows = await waitFor(async () => {
      const r = await deliveriesOf(stack, email);
      return r.length === STEPS.length && r.every((d) => d.state === "sent") ? r : undefined;
    });
    expect(rows.map((r) => [r.step, r.attempts])).toEqual(STEPS.map((s) => [s, 1]));
    for (let i = 1; i < rows.length; i++) {
      const delayMs = (FLARE_UP_RESET.steps.find((x) => x.key === rows[i]!.step)!.delayDays * 24 * 3600 * 1000) / 86400;
      expect(rows[i]!.due_at.getTime() - rows[i - 1]!.sent_at!.getTime(), rows[i]!.step).toBe(delayMs);
      expect(rows[i]!.sent_at!.getTime()).toBeGreaterThanOrEqual(rows[i]!.due_at.getTime());
    }
    const [enrollment] = await stack.deps.db.sql<{ state: string; current_step: string; next_step: string | null; ended_at: Date | null }[]>`
      select state, current_step, next_step, ended_at from enrollments where subscriber_id = ${id}`;
    expect(enrollment).toMatchObject({ state: "completed", current_step: "closing", next_step: null });
    expect(enrollment!.ended_at).not.toBeNull();
  });

  it("leaving mid-way stops the rest: the queued job finds the row cancelled and sends nothing", async () => {
    const email = uniqueEmail("leaver");
    expect((await postJson(stack, { email })).status).toBe(202);
    // Triggers sent and positions scheduled (due 2 "days" = 2 s later), its job waiting.
    const pending = await waitFor(async () => {
      const rows = await deliveriesOf(stack, email);
      return rows.find((r) => r.step === "triggers")?.state === "sent" ? rows.find((r) => r.step === "positions") : undefined;
    }, 10_000, "positions scheduled");
    expect(pending.state).toBe("scheduled");
    expect(await stack.deps.queues.send.getJob(deliveryJobId(Number(pending.id)))).toBeDefined();

    expect(await leave(stack.deps.db.sql, await subscriberId(stack, email), "unsubscribed")).toBe(true);

    // The job runs when due, claims nothing and ends (removed on completion).
    await waitFor(async () => (await stack.deps.queues.send.getJob(deliveryJobId(Number(pending.id)))) === undefined, 10_000, "positions job done");
    await waitForQuiet(stack); // the reconciler passed, nothing queued, the provider idle: nothing is revived
    expect(stack.fake!.acceptedTo(email).map((e) => e.tags![0]!.value)).toEqual(["welcome", "triggers"]);
    const rows = await deliveriesOf(stack, email);
    expect(rows.map((r) => [r.step, r.state, r.attempts])).toEqual([
      ["welcome", "sent", 1],
      ["triggers", "sent", 1],
      ["positions", "cancelled", 0],
    ]);
    const [state] = await stack.deps.db.sql<{ status: string; enrollment: string }[]>`
      select s.status, e.state as enrollment from subscribers s join enrollments e on e.subscriber_id = s.id where s.email = ${email}`;
    expect(state).toEqual({ status: "unsubscribed", enrollment: "stopped" });
  });
});

/** "HH:MM" on the wall clock of `timeZone` (Intl, independent of the code under test). */
function wallClock(at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat("en-GB", { timeZone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(at);
}

const minuteOfDay = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
const hhmm = (minute: number) => `${String(Math.floor(minute / 60) % 24).padStart(2, "0")}:${String(minute % 60).padStart(2, "0")}`;

describe("send windows at time scale 1: the next step's due time, in the subscriber's own zone", () => {
  const zones = { newYork: "America/New_York", kolkata: "Asia/Kolkata" };
  const DEFAULT_ZONE = "Pacific/Auckland";
  // A two-hour window that none of the zones is in, a day from now (± 15 min): so every
  // "triggers" due time must be moved to the window's opening, in its own zone.
  const inADay = [Date.now() + 24 * 3600_000 - 15 * 60_000, Date.now() + 24 * 3600_000 + 15 * 60_000].map((t) => new Date(t));
  const start = Array.from({ length: 24 }, (_, h) => h * 60).find((open) =>
    [...Object.values(zones), DEFAULT_ZONE].every((zone) =>
      inADay.every((at) => {
        const local = minuteOfDay(wallClock(at, zone));
        return (local - open + 1440) % 1440 >= 120;
      }),
    ),
  )!;
  const window = `${hhmm(start)}-${hhmm(start + 120)}`;

  let stack: TestStack;
  beforeAll(async () => {
    stack = await createStack({ env: { SEND_WINDOW: window, DEFAULT_TIMEZONE: DEFAULT_ZONE } });
    await stack.startWorkers();
  });
  afterAll(() => stack.close());

  it(`the welcome goes at once; triggers is due at the next opening of ${window} a day later, per zone`, async () => {
    const people = [
      { email: uniqueEmail("ny"), timezone: zones.newYork as string | undefined, zone: zones.newYork },
      { email: uniqueEmail("kolkata"), timezone: zones.kolkata as string | undefined, zone: zones.kolkata },
      { email: uniqueEmail("nozone"), timezone: undefined, zone: DEFAULT_ZONE },
    ];
    for (const p of people) expect((await postJson(stack, { email: p.email, ...(p.timezone ? { timezone: p.timezone } : {}) })).status).toBe(202);

    const dues: number[] = [];
    for (const p of people) {
      const rows = await waitFor(async () => {
        const r = await deliveriesOf(stack, p.email);
        return r.length === 2 ? r : undefined;
      }, 10_000, `triggers scheduled for ${p.zone}`);
      const [first, next] = rows as [Row, Row];
      expect(first).toMatchObject({ step: "welcome", state: "sent" });
      expect(next).toMatchObject({ step: "triggers", state: "scheduled" });
      const sentAt = first.sent_at!.getTime();
      const due = next.due_at;
      // Never before a day has passed, never a whole extra day later, and inside the window.
      expect(due.getTime()).toBeGreaterThan(sentAt + 24 * 3600_000);
      expect(due.getTime()).toBeLessThan(sentAt + 48 * 3600_000);
      expect(wallClock(due, p.zone), p.zone).toBe(hhmm(start));
      dues.push(due.getTime());
    }
    // Three zones, three different instants for the same local opening.
    expect(new Set(dues).size).toBe(3);
    expect(stack.fake!.accepted.filter((e) => people.some((p) => e.to.includes(p.email)))).toHaveLength(3);
  });
});
