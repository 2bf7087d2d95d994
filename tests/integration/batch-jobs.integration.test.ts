import type { Worker } from "bullmq";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { PENDING_RESEND_GAP_SECONDS, RETURNING_GAP_SECONDS } from "../../src/campaign/opt-in.js";
import { insertSignups } from "../../src/db/queries/signup.js";
import { sendDeps } from "../../src/deps.js";
import { startSendWorker } from "../../workers/send-worker.js";
import { createStack, postJson, settledSendJobs, uniqueEmail, waitForQuiet, waitForRowsTerminal, type TestStack } from "../support/stack.js";

/**
 * Welcomes are enqueued one job per batch's worth of rows (RESEND_BATCH_SIZE), not one per
 * reader: a job's batch takes the due rows around it, and a full batch enqueues the oldest row
 * left. Here the send worker runs alone — no reconciler to rescue a row left without a job — so
 * every welcome arriving shows the jobs alone carry them all.
 */
describe("one send job per batch's worth of welcomes", () => {
  let stack: TestStack;
  let worker: Worker | undefined;
  beforeAll(async () => {
    stack = await createStack({ env: { RESEND_BATCH_SIZE: "10" } });
  });
  afterAll(() => stack.close());
  beforeEach(() => stack.fake!.reset());
  afterEach(async () => {
    await worker?.close();
    worker = undefined;
  });

  /** Every welcome of `emails` sent, the queue drained, the provider idle (no reconciler runs here). */
  const allSent = async (emails: string[]) => {
    await stack.fake!.waitFor((f) => emails.every((e) => f.acceptedTo(e).length >= 1), 20_000);
    await waitForRowsTerminal(() => stack.deps.db.sql<{ state: string }[]>`
      select d.state from subscribers s join deliveries d on d.subscriber_id = s.id and d.step = 'welcome'
       where s.email = any(${emails})`);
    await waitForQuiet(stack, { reconcilerPasses: 0 });
  };

  const startSending = () => {
    worker = startSendWorker(stack.deps.queues, sendDeps(stack.deps), { concurrency: 2, ratePerSecond: undefined });
  };

  it("a crowd of signups becomes a few jobs, and each welcome is sent once", async () => {
    const emails = Array.from({ length: 45 }, () => uniqueEmail("crowd"));
    const answers = await Promise.all(emails.map((email) => postJson(stack, { email })));
    expect(answers.map((a) => a.status)).toEqual(emails.map(() => 202));
    const jobs = await settledSendJobs(stack);
    expect(jobs).toBeLessThan(emails.length);
    expect(jobs).toBeGreaterThanOrEqual(Math.ceil(emails.length / 10));

    startSending();
    await allSent(emails);
    for (const email of emails) expect(stack.fake!.acceptedTo(email)).toHaveLength(1);
  });

  /** Welcomes for `emails` committed at once (no jobs); returns their rows. */
  const insertWelcomes = (emails: string[]) =>
    insertSignups(
      stack.deps.db.sql,
      emails.map((email) => ({
        email,
        emailHash: `test-${email}`,
        firstName: undefined,
        timezone: undefined,
        source: undefined,
        utmSource: undefined,
        utmMedium: undefined,
        utmCampaign: undefined,
        ip: undefined,
        userAgent: undefined,
        formVersion: "test",
        wording: "test",
        sequence: stack.deps.sequence.key,
        firstStep: "welcome",
        pendingGapSeconds: PENDING_RESEND_GAP_SECONDS,
        returningGapSeconds: RETURNING_GAP_SECONDS,
      })),
    );

  it("a full batch hands on to the oldest row left, until every due row is sent", async () => {
    // 25 welcomes committed at once, and a job for the first one only.
    const emails = Array.from({ length: 25 }, () => uniqueEmail("handon"));
    const rows = await insertWelcomes(emails);
    expect(rows).toHaveLength(25);
    const first = rows.reduce((a, b) => (a.deliveryId < b.deliveryId ? a : b));
    await stack.deps.queues.enqueueDeliveries([{ id: first.deliveryId, dueAt: first.dueAt }]);

    startSending();
    await allSent(emails);
    for (const email of emails) expect(stack.fake!.acceptedTo(email)).toHaveLength(1);
    const batches = stack.fake!.requests.filter((r) => r.path === "/emails/batch" && r.status === 200);
    expect(batches.map((r) => r.count).sort((a, b) => a - b)).toEqual([5, 10, 10]);
  });

  it("the hand-on passes over an older webhook call: a call cannot lead an email batch", async () => {
    // A call due a minute ago, never tried — the oldest due row. Its endpoint takes only test
    // events, so these signups record nothing for it.
    const [endpoint] = await stack.deps.db.sql<{ id: string }[]>`
      insert into webhook_endpoints (url, secret, events)
      values ('http://127.0.0.1:9/hook', ${stack.deps.webhooks.secrets.seal("whsec_dGVzdA==")}, ${["webhook.test"]})
      returning id`;
    const [event] = await stack.deps.db.sql<{ id: number }[]>`
      insert into webhook_events (type, payload) values ('webhook.test', '{}'::jsonb) returning id`;
    const [call] = await stack.deps.db.sql<{ id: number }[]>`
      insert into deliveries (kind, endpoint_id, webhook_event_id, due_at)
      values ('webhook', ${endpoint!.id}, ${event!.id}, now() - interval '1 minute') returning id`;

    // 15 welcomes, a job for the first only: its full batch of 10 must hand on to the 5 left.
    const emails = Array.from({ length: 15 }, () => uniqueEmail("handon-call"));
    const rows = await insertWelcomes(emails);
    const first = rows.reduce((a, b) => (a.deliveryId < b.deliveryId ? a : b));
    await stack.deps.queues.enqueueDeliveries([{ id: first.deliveryId, dueAt: first.dueAt }]);

    startSending();
    await allSent(emails);
    const batches = stack.fake!.requests.filter((r) => r.path === "/emails/batch" && r.status === 200);
    expect(batches.map((r) => r.count).sort((a, b) => a - b)).toEqual([5, 10]);
    // The call was not taken for a batch's lead: still waiting, never tried.
    const [left] = await stack.deps.db.sql<{ state: string; attempts: number }[]>`
      select state::text, attempts from deliveries where id = ${call!.id}`;
    expect(left).toEqual({ state: "scheduled", attempts: 0 });
  });
});
