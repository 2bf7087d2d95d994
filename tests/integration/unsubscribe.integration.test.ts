import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deliveryJobId } from "../../src/queue/jobs.js";
import { signToken } from "../../src/tokens.js";
import type { AcceptedEmail } from "../support/fake-resend.js";
import { createStack, postJson, TEST_SECRET, uniqueEmail, waitFor, waitForQuiet, type TestStack } from "../support/stack.js";

/** The path of the List-Unsubscribe URL, as a mail client reads it from the header. */
function unsubscribePath(email: AcceptedEmail): string {
  const header = email.headers?.["List-Unsubscribe"] ?? "";
  const url = /^<(https?:\/\/[^>]+)>$/.exec(header)?.[1];
  if (!url) throw new Error(`no List-Unsubscribe URL in ${JSON.stringify(header)}`);
  return new URL(url).pathname;
}

type Row = Record<string, unknown>;

describe("leaving: one-click, the page, the undo, and queued jobs", () => {
  let stack: TestStack;
  // A "day" of the sequence lasts 5 s: long enough to leave before the next step is due.
  beforeAll(async () => {
    stack = await createStack({ env: { SEQUENCE_TIME_SCALE: "17280", TRUST_PROXY: "true" } });
    await stack.startWorkers();
  });
  afterAll(() => stack.close());

  async function signedUpReader(label: string) {
    const email = uniqueEmail(label);
    expect((await postJson(stack, { email, firstName: "Ana" })).status).toBe(202);
    await stack.fake!.waitFor((f) => f.acceptedTo(email).length === 1, 10_000);
    const [welcome] = stack.fake!.acceptedTo(email);
    const [subscriber] = await stack.deps.db.sql<{ id: string }[]>`select id from subscribers where email = ${email}`;
    // The next step is scheduled once the welcome is marked sent.
    const next = await waitFor(async () => {
      const [row] = await stack.deps.db.sql<{ id: number; step: string; state: string }[]>`
        select id, step, state from deliveries where subscriber_id = ${subscriber!.id} and step <> 'welcome'`;
      return row;
    }, 10_000, "the next step to be scheduled");
    return { email, id: subscriber!.id, welcome: welcome!, nextDelivery: { id: Number(next.id), step: next.step } };
  }

  const subscriberRow = async (id: string) =>
    (await stack.deps.db.sql<Row[]>`select status, left_at from subscribers where id = ${id}`)[0]!;
  const consentKinds = async (id: string) =>
    (await stack.deps.db.sql<{ kind: string; form_version: string; ip: string | null }[]>`
      select kind, form_version, ip from consents where subscriber_id = ${id} order by created_at, id`);

  it("honours a one-click POST exactly as Gmail sends it: 200, no cookie, idempotent", async () => {
    const reader = await signedUpReader("gmail");
    const path = unsubscribePath(reader.welcome);
    expect(reader.welcome.headers?.["List-Unsubscribe-Post"]).toBe("List-Unsubscribe=One-Click");

    const oneClick = () =>
      stack.app.request(path, {
        method: "POST",
        headers: {
          "content-type": "application/x-www-form-urlencoded",
          "user-agent": "Mozilla/5.0 (compatible; Google-One-Click-Unsubscribe)",
          "x-forwarded-for": "203.0.113.9",
        },
        body: "List-Unsubscribe=One-Click",
      });
    const first = await oneClick();
    expect(first.status).toBe(200);
    expect(first.headers.get("set-cookie")).toBeNull();
    expect(await subscriberRow(reader.id)).toMatchObject({ status: "unsubscribed" });
    const leftAt = (await subscriberRow(reader.id)).left_at;
    expect(leftAt).not.toBeNull();

    const again = await oneClick();
    expect(again.status).toBe(200);
    expect((await subscriberRow(reader.id)).left_at).toEqual(leftAt);
    // One withdrawal on record, with where it came from; the second POST recorded nothing.
    expect(await consentKinds(reader.id)).toEqual([
      expect.objectContaining({ kind: "signup" }),
      { kind: "unsubscribe", form_version: "rfc8058-one-click", ip: "203.0.113.9" },
    ]);
    const [next] = await stack.deps.db.sql<{ state: string }[]>`select state from deliveries where id = ${reader.nextDelivery.id}`;
    expect(next!.state).toBe("cancelled");
  });

  it("ten one-click POSTs at once record exactly one withdrawal: the database decides, not a read-then-write", async () => {
    const reader = await signedUpReader("burst");
    const path = unsubscribePath(reader.welcome);
    // Mail clients retry, and some send the one-click from several devices at once.
    const answers = await Promise.all(
      Array.from({ length: 10 }, () =>
        stack.app.request(path, {
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded" },
          body: "List-Unsubscribe=One-Click",
        }),
      ),
    );
    expect(answers.map((r) => r.status)).toEqual(Array.from({ length: 10 }, () => 200));
    expect(await subscriberRow(reader.id)).toMatchObject({ status: "unsubscribed" });
    expect((await consentKinds(reader.id)).map((c) => c.kind)).toEqual(["signup", "unsubscribe"]);
  });

  it("accepts the one-click as multipart/form-data too (RFC 8058 §3.1), and a body-less POST", async () => {
    const reader = await signedUpReader("multipart");
    const form = new FormData();
    form.set("List-Unsubscribe", "One-Click");
    const res = await stack.app.request(unsubscribePath(reader.welcome), { method: "POST", body: form });
    expect(res.status).toBe(200);
    expect((await subscriberRow(reader.id)).status).toBe("unsubscribed");

    const other = await signedUpReader("bodyless");
    const bare = await stack.app.request(unsubscribePath(other.welcome), { method: "POST" });
    expect(bare.status).toBe(200);
    expect((await subscriberRow(other.id)).status).toBe("unsubscribed");
  });

  it("the page: GET shows one button and changes nothing; the button leaves; the undo resubscribes", async () => {
    const reader = await signedUpReader("page");
    const path = unsubscribePath(reader.welcome);

    const page = await stack.app.request(path);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain(`<form method="post" action="${path}">`);
    expect(html.match(/<button/g)).toHaveLength(1);
    expect(html).not.toMatch(/<script/);
    expect((await subscriberRow(reader.id)).status).toBe("active"); // a GET (a link scanner) never unsubscribes

    const left = await stack.app.request(path, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", "x-forwarded-for": "198.51.100.4" },
      body: "List-Unsubscribe=One-Click&from=page",
    });
    expect(left.status).toBe(200);
    const leftHtml = await left.text();
    expect(leftHtml).toContain("You are unsubscribed");
    expect(leftHtml).toContain(`action="${path}/resubscribe"`);
    expect((await subscriberRow(reader.id)).status).toBe("unsubscribed");
    // Visiting the link again shows the undo, not the button.
    expect(await (await stack.app.request(path)).text()).toContain("Resubscribe");

    const back = await stack.app.request(`${path}/resubscribe`, {
      method: "POST",
      headers: { "x-forwarded-for": "198.51.100.4", "user-agent": "Browser/1", "sec-fetch-site": "same-origin" },
    });
    expect(back.status).toBe(200);
    expect(await back.text()).toContain("Welcome back");
    expect(await subscriberRow(reader.id)).toMatchObject({ status: "active", left_at: null });
    expect((await consentKinds(reader.id)).map((c) => [c.kind, c.form_version])).toEqual([
      ["signup", expect.any(String)],
      ["unsubscribe", "unsubscribe-page-v1"],
      ["resubscribe", "unsubscribe-page-v1"],
    ]);

    // The step that was cancelled goes out now; the welcome is not sent again.
    await stack.fake!.waitFor((f) => f.acceptedTo(reader.email).length === 2, 15_000);
    const steps = stack.fake!.acceptedTo(reader.email).map((e) => e.tags?.find((t) => t.name === "step")?.value);
    expect(steps).toEqual(["welcome", reader.nextDelivery.step]);
    const welcomes = await stack.deps.db.sql`select 1 from deliveries where subscriber_id = ${reader.id} and step = 'welcome'`;
    expect(welcomes).toHaveLength(1);
  });

  it("a job already queued sends nothing once the reader has left", async () => {
    const reader = await signedUpReader("queued");
    // The next step's job is added right after the commit that wrote its row: wait for it.
    const job = await waitFor(() => stack.deps.queues.send.getJob(deliveryJobId(reader.nextDelivery.id)), 5000, "the next step's job");
    expect(await job!.getState()).toBe("delayed");

    expect((await stack.app.request(unsubscribePath(reader.welcome), { method: "POST", body: "List-Unsubscribe=One-Click" })).status).toBe(200);

    // The job still runs when due (after ~5 s) and finds nothing to send.
    await waitFor(async () => (await stack.deps.queues.send.getJob(deliveryJobId(reader.nextDelivery.id))) === undefined, 15_000, "the queued job to run");
    // Other readers' later steps may wait in the queue (a "day" is 5 s): nothing due soon may.
    await waitForQuiet(stack, { laterThanMs: 1000 });
    expect(stack.fake!.acceptedTo(reader.email)).toHaveLength(1);
    const [row] = await stack.deps.db.sql<{ state: string; attempts: number }[]>`select state, attempts from deliveries where id = ${reader.nextDelivery.id}`;
    expect(row!.state).toBe("cancelled");
  });

  it("a step scheduled in the same moment the reader left is cancelled at its claim, not sent", async () => {
    const reader = await signedUpReader("race");
    expect((await stack.app.request(unsubscribePath(reader.welcome), { method: "POST", body: "List-Unsubscribe=One-Click" })).status).toBe(200);
    // A worker that finished the previous step as the reader left may still write the next row.
    const [late] = await stack.deps.db.sql<{ id: number }[]>`
      insert into deliveries (enrollment_id, subscriber_id, step, state, due_at)
      select enrollment_id, subscriber_id, 'red-flags', 'scheduled', now() from deliveries where id = ${reader.nextDelivery.id}
      returning id`;
    await stack.deps.queues.enqueueDeliveries([{ id: late!.id, dueAt: new Date() }]);
    await waitFor(async () => {
      const [row] = await stack.deps.db.sql<{ state: string }[]>`select state from deliveries where id = ${late!.id}`;
      return row?.state === "cancelled";
    }, 10_000, "the claim to cancel the late delivery");
    expect(stack.fake!.acceptedTo(reader.email)).toHaveLength(1);
  });

  it("leaving while a step is in flight, then resubscribing, continues with the step after it", async () => {
    // The provider takes 1.5 s to answer: the reader leaves while the welcome is being sent.
    stack.fake!.setLatency(1500);
    try {
      const email = uniqueEmail("inflight");
      expect((await postJson(stack, { email })).status).toBe(202);
      const id = (await stack.deps.db.sql<{ id: string }[]>`select id from subscribers where email = ${email}`)[0]!.id;
      await waitFor(async () => {
        const [row] = await stack.deps.db.sql<{ state: string }[]>`select state from deliveries where subscriber_id = ${id}`;
        return row?.state === "sending";
      }, 10_000, "the welcome to be in flight");
      const path = `/unsubscribe/${signToken(TEST_SECRET, "unsubscribe", id, null)}`;
      expect((await stack.app.request(path, { method: "POST", body: "List-Unsubscribe=One-Click" })).status).toBe(200);
      await waitFor(async () => {
        const [row] = await stack.deps.db.sql<{ state: string }[]>`select state from deliveries where subscriber_id = ${id} and step = 'welcome'`;
        return row?.state === "sent";
      }, 10_000, "the welcome in flight to be recorded as sent");
      // It went out (it was already at the provider), but nothing after it was scheduled.
      expect(await stack.deps.db.sql`select 1 from deliveries where subscriber_id = ${id} and step <> 'welcome'`).toHaveLength(0);

      stack.fake!.setLatency(0);
      expect((await stack.app.request(`${path}/resubscribe`, { method: "POST", headers: { origin: "http://guide.test" } })).status).toBe(200);
      await stack.fake!.waitFor((f) => f.acceptedTo(email).length === 2, 15_000);
      expect(stack.fake!.acceptedTo(email).map((e) => e.tags?.find((t) => t.name === "step")?.value)).toEqual(["welcome", "triggers"]);
    } finally {
      stack.fake!.setLatency(0);
    }
  });

  it("the undo only comes from our own page: a cross-site or unlabelled POST is refused and changes nothing", async () => {
    const reader = await signedUpReader("csrf");
    const path = unsubscribePath(reader.welcome);
    expect((await stack.app.request(path, { method: "POST", body: "List-Unsubscribe=One-Click" })).status).toBe(200);
    for (const headers of <Record<string, string>[]>[
      { origin: "https://evil.example", "sec-fetch-site": "cross-site" },
      { origin: "https://evil.example" },
      { "sec-fetch-site": "same-site" },
      { referer: "https://evil.example/page" },
      {},
    ]) {
      const res = await stack.app.request(`${path}/resubscribe`, { method: "POST", headers });
      expect(res.status, JSON.stringify(headers)).toBe(403);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe("forbidden");
    }
    expect((await subscriberRow(reader.id)).status).toBe("unsubscribed");
    expect((await consentKinds(reader.id)).map((c) => c.kind)).not.toContain("resubscribe");
  });

  it("a bad token gets a 400 page, for GET and POST, and changes nothing", async () => {
    const reader = await signedUpReader("tamper");
    const path = unsubscribePath(reader.welcome);
    const tampered = `${path.slice(0, -2)}${path.endsWith("AA") ? "BB" : "AA"}`;
    const guideToken = signToken(TEST_SECRET, "guide", reader.id, new Date(Date.now() + 60_000));
    const forged = signToken("another-secret-".padEnd(48, "y"), "unsubscribe", reader.id, null);
    for (const bad of [tampered, `/unsubscribe/${guideToken}`, `/unsubscribe/${forged}`, "/unsubscribe/not-a-token"]) {
      const get = await stack.app.request(bad);
      expect(get.status).toBe(400);
      expect(get.headers.get("content-type")).toContain("text/html");
      expect(await get.text()).toContain("This link does not work");
      expect((await stack.app.request(bad, { method: "POST", body: "List-Unsubscribe=One-Click" })).status).toBe(400);
      expect((await stack.app.request(`${bad}/resubscribe`, { method: "POST" })).status).toBe(400);
    }
    expect((await subscriberRow(reader.id)).status).toBe("active");
  });

  it("refuses an oversized POST body with 413 and still never 500s", async () => {
    const reader = await signedUpReader("big");
    const res = await stack.app.request(unsubscribePath(reader.welcome), {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: `List-Unsubscribe=One-Click&pad=${"x".repeat(20_000)}`,
    });
    expect(res.status).toBe(413);
  });
});
