import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deliveryJobId, MAINTENANCE_JOBS } from "../../src/queue/jobs.js";
import { signToken, verifyToken } from "../../src/tokens.js";
import type { AcceptedEmail } from "../support/fake-resend.js";
import { createStack, postJson, TEST_SECRET, uniqueEmail, waitFor, waitForQuiet, type TestStack } from "../support/stack.js";
import { BROWSER_UA, openActionLink } from "../support/signals.js";

const stepOf = (e: AcceptedEmail) => e.tags?.find((t) => t.name === "step")?.value;
const confirmPath = (e: AcceptedEmail) => {
  const match = /http:\/\/guide\.test(\/confirm\/[A-Za-z0-9_.-]+)/.exec(e.html ?? "");
  if (!match) throw new Error("no confirm link in the email");
  return match[1]!;
};

describe("double opt-in (DOUBLE_OPT_IN=true), end to end", () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await createStack({ env: { DOUBLE_OPT_IN: "true", TRUST_PROXY: "true", SEQUENCE_TIME_SCALE: "17280" } });
    await stack.startWorkers();
  });
  afterAll(() => stack.close());

  const subscriberOf = async (email: string) =>
    (await stack.deps.db.sql<{ id: string; status: string; confirmed_at: Date | null }[]>`
      select id, status, confirmed_at from subscribers where email = ${email}`)[0];
  // A "day" lasts 5 s here: the later steps of readers confirmed earlier in this file wait in the
  // queue as delayed jobs, so "drained" means nothing due within the next second.
  const quiet = () => waitForQuiet(stack, { laterThanMs: 1000 });
  /** Rows of a subscriber: its enrollments, or its messages of one kind (steps, confirmations). */
  const countOf = async (what: "steps" | "enrollments" | "confirmations", id: string) => {
    const from = { steps: "deliveries where kind = 'step' and", confirmations: "deliveries where kind = 'confirmation' and", enrollments: "enrollments where" }[what];
    return Number((await stack.deps.db.sql.unsafe(`select count(*)::int as n from ${from} subscriber_id = $1`, [id]))[0]!.n);
  };

  it("stores a pending subscriber, sends only the confirmation, and the link starts the sequence", async () => {
    const email = uniqueEmail("doi");
    const res = await postJson(stack, { email, firstName: "Ana" }, { "x-forwarded-for": "192.0.2.10", "user-agent": "Form/1" });
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ status: "ok" });
    const pending = await subscriberOf(email);
    expect(pending).toMatchObject({ status: "pending", confirmed_at: null });
    // Invariant 1 for double opt-in: what a 202 promises (the confirmation) is committed.
    expect(await countOf("confirmations", pending!.id)).toBe(1);
    expect(await countOf("enrollments", pending!.id)).toBe(0);
    expect(await countOf("steps", pending!.id)).toBe(0);

    await stack.fake!.waitFor((f) => f.acceptedTo(email).length === 1, 10_000);
    const [confirmation] = stack.fake!.acceptedTo(email);
    expect(stepOf(confirmation!)).toBe("confirm");
    expect(confirmation!.tags).toEqual([{ name: "step", value: "confirm" }]);
    expect(confirmation!.idempotencyKey).toMatch(new RegExp(`^fur-confirm-\\d+-${pending!.id}$`));
    expect(confirmation!.headers?.["List-Unsubscribe"]).toMatch(/^<http:\/\/guide\.test\/unsubscribe\/.+>$/);
    expect(confirmation!.headers?.["List-Unsubscribe-Post"]).toBe("List-Unsubscribe=One-Click");
    expect(confirmation!.text).toMatch(/not medical advice/i);
    expect(confirmation!.html).not.toContain("/guide/"); // the guide comes after the click
    const path = confirmPath(confirmation!);
    const token = verifyToken(TEST_SECRET, path.split("/").pop()!, "confirm");
    expect(token).toMatchObject({ ok: true, subject: pending!.id });
    // The link lives as long as the pending request: PENDING_TTL_DAYS (7) from the request.
    const expiresAt = (token as { expiresAt: Date }).expiresAt.getTime();
    expect(Math.abs(expiresAt - (Date.now() + 7 * 86_400_000))).toBeLessThan(60_000);

    // Unconfirmed, the sequence never starts: the reconciler has passed, nothing is
    // queued, the provider is idle — and there is still only the confirmation.
    await quiet();
    expect(stack.fake!.acceptedTo(email)).toHaveLength(1);

    // A mail filter fetches the link as the message lands — as a browser, as a bot, with HEAD:
    // nothing is confirmed, and nobody's consent is recorded (DESIGN.md invariant 9).
    for (const init of [
      { method: "GET", headers: { "x-forwarded-for": "198.51.100.7", "user-agent": BROWSER_UA } },
      { method: "GET", headers: { "x-forwarded-for": "198.51.100.7", "user-agent": "Mozilla/5.0 (compatible; BingPreview/1.0b)" } },
      { method: "HEAD", headers: { "x-forwarded-for": "198.51.100.7" } as Record<string, string> },
    ]) {
      const fetched = await stack.app.request(path, init);
      expect(fetched.status).toBe(200);
      if (init.method !== "HEAD") expect(await fetched.text()).toContain("data-auto-submit");
    }
    // A bot that POSTs the form (or another site posting it) confirms nothing either.
    for (const headers of [
      { "user-agent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.0.0 Safari/537.36", "sec-fetch-site": "same-origin" },
      { "user-agent": BROWSER_UA, "sec-fetch-site": "cross-site", origin: "https://evil.example" },
    ] as Record<string, string>[]) {
      const posted = await stack.app.request(path, { method: "POST", headers });
      expect(await posted.text()).toContain("data-auto-submit");
    }
    expect((await subscriberOf(email))!.status).toBe("pending");
    await quiet();
    expect(stack.fake!.acceptedTo(email)).toHaveLength(1);

    // The reader's one visit: the page, and its POST at once — no second click.
    const { answer } = await openActionLink(stack, path, { "x-forwarded-for": "192.0.2.44" });
    expect(answer.status).toBe(200);
    expect(await answer.text()).toContain("you are confirmed");
    const active = await subscriberOf(email);
    expect(active!.status).toBe("active");
    expect(active!.confirmed_at).not.toBeNull();
    const consents = await stack.deps.db.sql<{ kind: string; ip: string; user_agent: string; created_at: Date }[]>`
      select kind, ip, user_agent, created_at from consents where subscriber_id = ${active!.id} order by created_at, id`;
    expect(consents.map((c) => [c.kind, c.ip, c.user_agent])).toEqual([
      ["signup", "192.0.2.10", "Form/1"],
      ["confirm", "192.0.2.44", BROWSER_UA],
    ]);

    await stack.fake!.waitFor((f) => f.acceptedTo(email).length === 2, 10_000);
    const welcome = stack.fake!.acceptedTo(email)[1]!;
    expect(stepOf(welcome)).toBe("welcome");
    expect(welcome.html).toMatch(/http:\/\/guide\.test\/guide\//);

    // A second visit changes nothing and sends nothing: the page says so at once.
    const again = await stack.app.request(path, { headers: { "user-agent": BROWSER_UA } });
    expect(again.status).toBe(200);
    expect(await again.text()).toContain("you are confirmed");
    await quiet();
    expect(stack.fake!.acceptedTo(email).filter((e) => stepOf(e) === "welcome")).toHaveLength(1);
    expect(await countOf("enrollments", active!.id)).toBe(1);
  });

  it("a repeat signup while pending re-sends the confirmation, at most once per 10 minutes, same answer", async () => {
    const email = uniqueEmail("again");
    expect((await postJson(stack, { email })).status).toBe(202);
    await stack.fake!.waitFor((f) => f.acceptedTo(email).length === 1, 10_000);
    const subscriber = await subscriberOf(email);

    const repeat = await postJson(stack, { email: email.toUpperCase() });
    expect(repeat.status).toBe(202);
    expect(await repeat.json()).toEqual({ status: "ok" });
    await quiet();
    expect(stack.fake!.acceptedTo(email)).toHaveLength(1); // rate limited

    // Ten minutes later (moved back in time rather than waited for):
    await stack.deps.db.sql`
      update subscribers set confirmation_requested_at = now() - interval '11 minutes' where id = ${subscriber!.id}`;
    const racing = await Promise.all([postJson(stack, { email }), postJson(stack, { email }), postJson(stack, { email })]);
    expect(racing.map((r) => r.status)).toEqual([202, 202, 202]);
    await stack.fake!.waitFor((f) => f.acceptedTo(email).length === 2, 10_000);
    await quiet();
    const sent = stack.fake!.acceptedTo(email);
    expect(sent).toHaveLength(2); // three racing requests, one re-send
    expect(sent.map(stepOf)).toEqual(["confirm", "confirm"]);
    expect(sent[0]!.idempotencyKey).not.toBe(sent[1]!.idempotencyKey);
    expect((await subscriberOf(email))!.status).toBe("pending");
  });

  it("purges requests nobody confirmed after PENDING_TTL_DAYS, and keeps everyone else", async () => {
    const stale = uniqueEmail("stale");
    const fresh = uniqueEmail("fresh");
    const confirmed = uniqueEmail("confirmed");
    for (const email of [stale, fresh, confirmed]) expect((await postJson(stack, { email })).status).toBe(202);
    await stack.fake!.waitFor((f) => [stale, fresh, confirmed].every((e) => f.acceptedTo(e).length === 1), 10_000);
    const staleId = (await subscriberOf(stale))!.id;
    const confirmedId = (await subscriberOf(confirmed))!.id;
    expect((await openActionLink(stack, confirmPath(stack.fake!.acceptedTo(confirmed)[0]!))).answer.status).toBe(200);
    const stalePath = confirmPath(stack.fake!.acceptedTo(stale)[0]!);
    // Eight days pass for two of them (the confirmed one signed up long ago, too).
    await stack.deps.db.sql`
      update subscribers set created_at = now() - interval '8 days', confirmation_requested_at = now() - interval '8 days'
       where id in (${staleId}, ${confirmedId})`;

    await stack.deps.queues.maintenance.add(MAINTENANCE_JOBS.purgePending, {});
    await waitFor(async () => (await subscriberOf(stale)) === undefined, 10_000, "the stale request to be purged");
    expect(await stack.deps.db.sql`select 1 from consents where subscriber_id = ${staleId}`).toHaveLength(0);
    expect(await stack.deps.db.sql`select 1 from deliveries where subscriber_id = ${staleId}`).toHaveLength(0);
    expect((await subscriberOf(fresh))!.status).toBe("pending");
    expect((await subscriberOf(confirmed))!.status).toBe("active");

    // Its link now leads to a friendly "expired" page, and nothing is created.
    const late = await stack.app.request(stalePath);
    expect(late.status).toBe(410);
    expect(await late.text()).toContain("expired");
    expect(await subscriberOf(stale)).toBeUndefined();
  });

  it("answers tampered and expired confirm links with a page, never data", async () => {
    const email = uniqueEmail("links");
    await postJson(stack, { email });
    const id = (await subscriberOf(email))!.id;
    const expired = signToken(TEST_SECRET, "confirm", id, new Date(Date.now() - 1000));
    const expiredRes = await stack.app.request(`/confirm/${expired}`);
    expect(expiredRes.status).toBe(410);
    expect(expiredRes.headers.get("content-type")).toContain("text/html");
    const unsubscribeToken = signToken(TEST_SECRET, "unsubscribe", id, null);
    for (const bad of [`/confirm/${unsubscribeToken}`, "/confirm/garbage", `/confirm/${expired.slice(0, -3)}abc`]) {
      const res = await stack.app.request(bad);
      expect(res.status).toBe(400);
      expect(await res.text()).toContain("This link does not work");
    }
    expect((await subscriberOf(email))!.status).toBe("pending");
  });

  it("an address that left is asked to confirm before it comes back; an old link cannot bring it back", async () => {
    const email = uniqueEmail("returning");
    await postJson(stack, { email });
    await stack.fake!.waitFor((f) => f.acceptedTo(email).length === 1, 10_000);
    const firstLink = confirmPath(stack.fake!.acceptedTo(email)[0]!);
    expect((await openActionLink(stack, firstLink)).answer.status).toBe(200);
    await stack.fake!.waitFor((f) => f.acceptedTo(email).length === 2, 10_000); // welcome
    const welcome = stack.fake!.acceptedTo(email)[1]!;
    const unsubscribe = new URL(/^<(.+)>$/.exec(welcome.headers!["List-Unsubscribe"]!)![1]!).pathname;
    expect((await stack.app.request(unsubscribe, { method: "POST", body: "List-Unsubscribe=One-Click" })).status).toBe(200);
    const id = (await subscriberOf(email))!.id;

    // The old confirm link does not undo the unsubscribe.
    expect((await stack.app.request(firstLink, { method: "POST", headers: { "sec-fetch-site": "same-origin", "user-agent": BROWSER_UA } })).status).toBe(410);
    expect((await subscriberOf(email))!.status).toBe("unsubscribed");

    // The form again: a new opt-in, so a confirmation — nothing else — and still unsubscribed until clicked.
    expect((await postJson(stack, { email })).status).toBe(202);
    await stack.fake!.waitFor((f) => f.acceptedTo(email).length === 3, 10_000);
    expect(stepOf(stack.fake!.acceptedTo(email)[2]!)).toBe("confirm");
    expect((await subscriberOf(email))!.status).toBe("unsubscribed");
    expect((await openActionLink(stack, confirmPath(stack.fake!.acceptedTo(email)[2]!))).answer.status).toBe(200);
    expect((await subscriberOf(email))!.status).toBe("active");
    // Resumed, not restarted: the next step comes, the welcome does not come again.
    await stack.fake!.waitFor((f) => f.acceptedTo(email).length === 4, 15_000);
    expect(stack.fake!.acceptedTo(email).map(stepOf)).toEqual(["confirm", "welcome", "confirm", "triggers"]);
    expect(await countOf("enrollments", id)).toBe(1);
  });

  it("a bounced address signing up again is answered as usual and sent nothing", async () => {
    const email = uniqueEmail("bounced");
    await postJson(stack, { email });
    await stack.fake!.waitFor((f) => f.acceptedTo(email).length === 1, 10_000);
    await stack.deps.db.sql`update subscribers set status = 'bounced' where email = ${email}`;
    const res = await postJson(stack, { email });
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ status: "ok" });
    await stack.deps.db.sql`update subscribers set confirmation_requested_at = now() - interval '2 days' where email = ${email}`;
    expect((await postJson(stack, { email })).status).toBe(202);
    await quiet();
    expect(stack.fake!.acceptedTo(email)).toHaveLength(1);
  });
});

describe("confirmation emails are sent at most once, and none is lost", () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await createStack({ env: { DOUBLE_OPT_IN: "true" } });
  });
  afterAll(() => stack.close());

  it("a lost provider answer is retried under the same key: one email; a job lost with the queue is re-created", async () => {
    // Stored while no worker runs; then the queue loses the job (a Redis wipe, a failed enqueue).
    const lost = uniqueEmail("lostjob");
    expect((await postJson(stack, { email: lost })).status).toBe(202);
    const [row] = await stack.deps.db.sql<{ id: string }[]>`
      select c.id from deliveries c join subscribers s on s.id = c.subscriber_id where c.kind = 'confirmation' and s.email = ${lost}`;
    const job = await stack.deps.queues.send.getJob(deliveryJobId(Number(row!.id)));
    expect(job).toBeDefined();
    await job!.remove();
    await stack.deps.db.sql`update deliveries set due_at = now() - interval '1 minute' where id = ${row!.id}`;

    stack.fake!.failNext(1, 500, undefined, { afterAccept: true });
    const email = uniqueEmail("replayed");
    expect((await postJson(stack, { email })).status).toBe(202);

    await stack.startWorkers(); // the reconciler runs at start and every 500 ms
    await stack.fake!.waitFor((f) => f.acceptedTo(lost).length === 1 && f.acceptedTo(email).length === 1, 15_000);
    await waitFor(async () => {
      const [c] = await stack.deps.db.sql<{ state: string }[]>`
        select c.state from deliveries c join subscribers s on s.id = c.subscriber_id where c.kind = 'confirmation' and s.email = ${email}`;
      return c?.state === "sent";
    }, 15_000, "the confirmation to be recorded as sent");
    // More reconciler passes (each re-offers pending confirmations too), the queue drained and
    // the provider idle: still once each.
    await waitForQuiet(stack, { reconcilerPasses: 3 });
    expect(stack.fake!.acceptedTo(lost)).toHaveLength(1);
    expect(stack.fake!.acceptedTo(email)).toHaveLength(1);
    // The reconciler offers the lost one at start, so either send may meet the lost answer: one
    // of the two keys was used twice (the retry was a replay), the other once.
    const keys = stack.fake!.requests.filter((r) => r.path === "/emails").map((r) => r.idempotencyKey);
    const uses = [lost, email].map((e) => keys.filter((k) => k === stack.fake!.acceptedTo(e)[0]!.idempotencyKey).length);
    expect(uses.sort()).toEqual([1, 2]);
  });
});
