import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deliveryJobId, eventJobId } from "../../src/queue/jobs.js";
import { signToken } from "../../src/tokens.js";
import { createStack, postJson, TEST_SECRET, uniqueEmail, waitFor, waitForQuiet, type TestStack } from "../support/stack.js";
import { postSignedEvent, postWebhook, resendEvent, svixHeaders, TEST_WEBHOOK_SECRET } from "../support/svix.js";

const ADMIN_TOKEN = "admin-token-for-webhook-tests";

describe("Resend webhooks: signatures, dedup and the provider's feedback", () => {
  let stack: TestStack;
  beforeAll(async () => {
    // A "day" lasts 5 s, so the second step is still waiting when a bounce arrives.
    stack = await createStack({
      env: { RESEND_WEBHOOK_SECRET: TEST_WEBHOOK_SECRET, ADMIN_TOKEN, SEQUENCE_TIME_SCALE: "17280" },
    });
    await stack.startWorkers();
  });
  afterAll(() => stack.close());

  /** A reader whose welcome the provider accepted and recorded, with the next step scheduled. */
  async function sentWelcome(label: string) {
    const email = uniqueEmail(label);
    expect((await postJson(stack, { email })).status).toBe(202);
    await stack.fake!.waitFor((f) => f.acceptedTo(email).length === 1, 10_000);
    const messageId = stack.fake!.acceptedTo(email)[0]!.id;
    const row = await waitFor(async () => {
      const [r] = await stack.deps.db.sql<{ id: string; subscriber_id: string }[]>`
        select d.id, d.subscriber_id from deliveries d
         where d.provider_message_id = ${messageId}
           and exists (select 1 from deliveries n where n.subscriber_id = d.subscriber_id and n.step <> 'welcome')`;
      return r;
    }, 10_000, "the welcome to be recorded");
    return { email, messageId, deliveryId: Number(row.id), subscriberId: row.subscriber_id };
  }

  const eventRows = (providerEventId: string) =>
    stack.deps.db.sql<{ id: number; type: string; delivery_id: number | null; processed_at: Date | null; url: string | null }[]>`
      select id, type, delivery_id, processed_at, url from email_events where provider_event_id = ${providerEventId}`;
  const processed = (providerEventId: string) =>
    waitFor(async () => {
      const [row] = await eventRows(providerEventId);
      return row?.processed_at ? row : undefined;
    }, 10_000, `event ${providerEventId} to be processed`);
  const statusOf = async (id: string) =>
    (await stack.deps.db.sql<{ status: string }[]>`select status from subscribers where id = ${id}`)[0]!.status;

  it("accepts a correctly signed event, stores it, and matches it to the delivery", async () => {
    const reader = await sentWelcome("delivered");
    const res = await postSignedEvent(stack, resendEvent("email.delivered", reader.messageId), { id: "msg_delivered_1" });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "ok" });
    const row = await processed("msg_delivered_1");
    expect(row).toMatchObject({ type: "email.delivered", delivery_id: reader.deliveryId });
    expect(await statusOf(reader.subscriberId)).toBe("active");
  });

  it("settles an event that only needs matching at receipt, without a job; an unmatched one waits for its job", async () => {
    const reader = await sentWelcome("settled");
    expect((await postSignedEvent(stack, resendEvent("email.opened", reader.messageId), { id: "msg_settled_1" })).status).toBe(200);
    // Read as soon as the answer came: no worker could have run in between.
    const [row] = await eventRows("msg_settled_1");
    expect(row).toMatchObject({ type: "email.opened", delivery_id: reader.deliveryId });
    expect(row!.processed_at).toBeInstanceOf(Date);
    expect(await stack.deps.queues.events.getJob(eventJobId(row!.id))).toBeUndefined();

    // No email has this id: the job's grace (a minute) keeps it unprocessed, not settled.
    expect((await postSignedEvent(stack, resendEvent("email.opened", "em_not_ours_yet"), { id: "msg_settled_2" })).status).toBe(200);
    const [waiting] = await eventRows("msg_settled_2");
    expect(waiting).toMatchObject({ delivery_id: null, processed_at: null });
  });

  it("keeps the clicked URL", async () => {
    const reader = await sentWelcome("clicked");
    const link = "http://guide.test/guide/some-token";
    const event = resendEvent("email.clicked", reader.messageId, {
      click: { ipAddress: "192.0.2.1", link, timestamp: new Date().toISOString(), userAgent: "Mail/1" },
    });
    expect((await postSignedEvent(stack, event, { id: "msg_click_1" })).status).toBe(200);
    expect((await processed("msg_click_1")).url).toBe(link);
  });

  it("refuses a wrong secret, an old or future timestamp, a tampered body and missing headers with 401", async () => {
    const body = JSON.stringify(resendEvent("email.delivered", "em_whatever"));
    const now = Math.floor(Date.now() / 1000);
    const otherSecret = `whsec_${Buffer.from("some-other-secret-of-32-bytes!!!").toString("base64")}`;
    const cases: Record<string, [string, Record<string, string>]> = {
      "wrong secret": [body, svixHeaders(body, { secret: otherSecret, id: "msg_bad_1" })],
      "six minutes old": [body, svixHeaders(body, { timestamp: now - 6 * 60, id: "msg_bad_2" })],
      "six minutes ahead": [body, svixHeaders(body, { timestamp: now + 6 * 60, id: "msg_bad_3" })],
      "tampered body": [body.replace("delivered", "bounced"), svixHeaders(body, { id: "msg_bad_4" })],
      "no signature": [body, { "content-type": "application/json", "svix-id": "msg_bad_5", "svix-timestamp": String(now) }],
      "no headers at all": [body, { "content-type": "application/json" }],
      "signature for another id": [body, { ...svixHeaders(body, { id: "msg_bad_6" }), "svix-id": "msg_bad_7" }],
    };
    for (const [name, [payload, headers]] of Object.entries(cases)) {
      const res = await postWebhook(stack, payload, headers);
      expect(res.status, name).toBe(401);
      expect(await res.json(), name).toMatchObject({ error: { code: "unauthorized" } });
    }
    const stored = await stack.deps.db.sql`select 1 from email_events where provider_event_id like 'msg_bad_%'`;
    expect(stored).toHaveLength(0);
    // Within the ±5 min tolerance the same request is fine.
    expect((await postWebhook(stack, body, svixHeaders(body, { timestamp: now - 4 * 60, id: "msg_ok_4min" }))).status).toBe(200);
  });

  it("stores a replayed svix-id once and answers it 200", async () => {
    const reader = await sentWelcome("replay");
    const body = JSON.stringify(resendEvent("email.opened", reader.messageId));
    const headers = svixHeaders(body, { id: "msg_replayed" });
    const answers = await Promise.all([1, 2, 3].map(() => postWebhook(stack, body, headers)));
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200]);
    const bodies = await Promise.all(answers.map((r) => r.json()));
    expect(bodies.filter((b) => (b as { status: string }).status === "ok")).toHaveLength(1);
    await processed("msg_replayed");
    expect(await eventRows("msg_replayed")).toHaveLength(1);
  });

  it("gives bad bodies a 4xx, never a 500: not JSON, not an object, unknown type, huge", async () => {
    const notJson = "this is not json";
    const res1 = await postWebhook(stack, notJson, svixHeaders(notJson));
    expect(res1.status).toBe(400);
    expect(await res1.json()).toMatchObject({ error: { code: "invalid_json" } });

    for (const body of ["[1,2,3]", "42", '"text"', "null", '{"type":"email.bounced"}', '{"type":5,"data":{}}', '{"type":"email.bounced","data":{"bounce":"x"}}']) {
      const res = await postWebhook(stack, body, svixHeaders(body));
      expect(res.status, body).toBe(400);
      expect(await res.json(), body).toMatchObject({ error: { code: "invalid_input" } });
    }
    const unknown = JSON.stringify(resendEvent("email.exploded", "em_1"));
    const res2 = await postWebhook(stack, unknown, svixHeaders(unknown));
    expect(res2.status).toBe(400);
    expect(await res2.json()).toMatchObject({ error: { code: "invalid_input", field: "type" } });
    const contact = JSON.stringify({ type: "contact.created", created_at: new Date().toISOString(), data: { id: "c1" } });
    expect((await postWebhook(stack, contact, svixHeaders(contact))).status).toBe(400);

    const huge = JSON.stringify(resendEvent("email.delivered", "em_2", { pad: "x".repeat(300 * 1024) }));
    const res3 = await postWebhook(stack, huge, svixHeaders(huge));
    expect(res3.status).toBe(413);
    // Unsigned garbage is refused before it is even parsed.
    expect((await postWebhook(stack, "\u0000\u0001garbage", { "content-type": "application/json" })).status).toBe(401);
    expect(stack.logs.join("")).not.toMatch(/"level":50/); // nothing logged as an error (no 5xx)
  });

  it("a hard bounce suppresses the address within seconds: status, sequence stopped, nothing more sent", async () => {
    const reader = await sentWelcome("hardbounce");
    const bounce = resendEvent("email.bounced", reader.messageId, {
      bounce: { message: `550 5.1.1 <${reader.email}>: user unknown`, subType: "General", type: "Permanent" },
    });
    expect((await postSignedEvent(stack, bounce, { id: "msg_hard_bounce" })).status).toBe(200);
    await processed("msg_hard_bounce");
    expect(await statusOf(reader.subscriberId)).toBe("bounced");
    const rows = await stack.deps.db.sql<{ step: string; state: string }[]>`
      select step, state from deliveries where subscriber_id = ${reader.subscriberId} order by id`;
    expect(rows).toEqual([{ step: "welcome", state: "sent" }, { step: "triggers", state: "cancelled" }]);
    const [enrollment] = await stack.deps.db.sql<{ state: string }[]>`select state from enrollments where subscriber_id = ${reader.subscriberId}`;
    expect(enrollment!.state).toBe("stopped");

    // Signing up again is answered as usual and sends nothing until an admin lifts it.
    const again = await postJson(stack, { email: reader.email });
    expect(again.status).toBe(202);
    expect(await again.json()).toEqual({ status: "ok" });
    // The cancelled step's job runs when due (a "day" is 5 s) and ends without sending; then the
    // reconciler passes, nothing due soon is queued (other readers' later steps may wait), and the
    // provider is idle.
    const [triggers] = await stack.deps.db.sql<{ id: string }[]>`
      select id from deliveries where subscriber_id = ${reader.subscriberId} and step = 'triggers'`;
    await waitFor(async () => (await stack.deps.queues.send.getJob(deliveryJobId(Number(triggers!.id)))) === undefined, 15_000, "the cancelled step's job to run");
    await waitForQuiet(stack, { laterThanMs: 1000 });
    expect(stack.fake!.acceptedTo(reader.email)).toHaveLength(1);
  });

  it("a soft bounce is recorded and changes nothing", async () => {
    const reader = await sentWelcome("softbounce");
    const bounce = resendEvent("email.bounced", reader.messageId, {
      bounce: { message: "452 mailbox full", subType: "MailboxFull", type: "Transient" },
    });
    expect((await postSignedEvent(stack, bounce, { id: "msg_soft_bounce" })).status).toBe(200);
    await processed("msg_soft_bounce");
    expect(await statusOf(reader.subscriberId)).toBe("active");
  });

  it("a complaint suppresses the address and stops the sequence", async () => {
    const reader = await sentWelcome("complaint");
    expect((await postSignedEvent(stack, resendEvent("email.complained", reader.messageId), { id: "msg_complaint" })).status).toBe(200);
    await processed("msg_complaint");
    expect(await statusOf(reader.subscriberId)).toBe("complained");
    const [next] = await stack.deps.db.sql<{ state: string }[]>`
      select state from deliveries where subscriber_id = ${reader.subscriberId} and step <> 'welcome'`;
    expect(next!.state).toBe("cancelled");
    // A later unsubscribe click keeps the stronger reason.
    const unsubscribe = `/unsubscribe/${signToken(TEST_SECRET, "unsubscribe", reader.subscriberId, null)}`;
    expect((await stack.app.request(unsubscribe, { method: "POST", body: "List-Unsubscribe=One-Click" })).status).toBe(200);
    expect(await statusOf(reader.subscriberId)).toBe("complained");
  });

  it("keeps and counts events for unknown message ids, and matches one whose send commits late", async () => {
    const old = new Date(Date.now() - 3600_000);
    expect((await postSignedEvent(stack, resendEvent("email.delivered", "em_not_ours", {}, old), { id: "msg_unknown" })).status).toBe(200);
    const row = await processed("msg_unknown");
    expect(row.delivery_id).toBeNull();
    const counts = await stack.app.request("/admin/api/webhook-events", { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    expect(counts.status).toBe(200);
    const body = (await counts.json()) as { unmatched: number; byType: Record<string, number> };
    expect(body.unmatched).toBeGreaterThanOrEqual(1);
    expect(body.byType["email.delivered"]).toBeGreaterThanOrEqual(1);

    // A fresh event can beat our own commit of the provider's message id: it waits for it.
    const reader = await sentWelcome("late");
    await stack.deps.db.sql`update deliveries set provider_message_id = null where id = ${reader.deliveryId}`;
    expect((await postSignedEvent(stack, resendEvent("email.delivered", reader.messageId), { id: "msg_early" })).status).toBe(200);
    // Its job has had a go and backed off (it retries 2 s, 4 s … later): still unprocessed.
    const [early] = await eventRows("msg_early");
    await waitFor(async () => ((await stack.deps.queues.events.getJob(eventJobId(Number(early!.id))))?.attemptsMade ?? 0) >= 1, 10_000, "a first attempt at the early event");
    expect((await eventRows("msg_early"))[0]!.processed_at).toBeNull();
    await stack.deps.db.sql`update deliveries set provider_message_id = ${reader.messageId} where id = ${reader.deliveryId}`;
    expect((await processed("msg_early")).delivery_id).toBe(reader.deliveryId);
  });
});

describe("Resend webhooks without RESEND_WEBHOOK_SECRET", () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await createStack();
  });
  afterAll(() => stack.close());

  it("refuses every webhook with 401: nothing unverified is ever stored", async () => {
    const body = JSON.stringify(resendEvent("email.complained", "em_x"));
    const res = await postWebhook(stack, body, svixHeaders(body));
    expect(res.status).toBe(401);
    expect(await stack.deps.db.sql`select 1 from email_events`).toHaveLength(0);
  });
});

describe("a stored webhook event whose job was lost", () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await createStack({ env: { RESEND_WEBHOOK_SECRET: TEST_WEBHOOK_SECRET } });
  });
  afterAll(() => stack.close());

  it("is processed anyway: Postgres holds it, the upkeep job re-creates its job", async () => {
    const old = new Date(Date.now() - 3600_000);
    expect((await postSignedEvent(stack, resendEvent("email.delivered", "em_orphan", {}, old), { id: "msg_orphan" })).status).toBe(200);
    const [row] = await stack.deps.db.sql<{ id: string }[]>`select id from email_events where provider_event_id = 'msg_orphan'`;
    await (await stack.deps.queues.events.getJob(`event-${row!.id}`))!.remove();
    await stack.deps.db.sql`update email_events set received_at = now() - interval '1 minute' where id = ${row!.id}`;

    await stack.startWorkers();
    await waitFor(async () => {
      const [e] = await stack.deps.db.sql<{ processed_at: Date | null }[]>`select processed_at from email_events where id = ${row!.id}`;
      return e?.processed_at !== null;
    }, 10_000, "the orphaned event to be processed");
  });
});
