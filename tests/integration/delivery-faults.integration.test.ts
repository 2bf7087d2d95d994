import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createDeps } from "../../src/deps.js";
import { createApp } from "../../src/app.js";
import { appDeps } from "../../src/deps.js";
import { createStack, postJson, settledSendJobs, uniqueEmail, waitFor, waitForQuiet, waitForRowsTerminal, type TestStack } from "../support/stack.js";
import { unreachableQueues, watchEnqueues, wipeQueueStore } from "../support/queue-faults.js";

type DeliveryRow = { state: string; attempts: number; last_error: string | null; provider_message_id: string | null };

async function welcomeOf(stack: TestStack, email: string): Promise<DeliveryRow | undefined> {
  return (await welcomesOf(stack, [email]))[0];
}

/** The welcome rows of `emails` (for waitForRowsTerminal). */
async function welcomesOf(stack: TestStack, emails: string[]): Promise<DeliveryRow[]> {
  return stack.deps.db.sql<DeliveryRow[]>`
    select d.state, d.attempts, d.last_error, d.provider_message_id
      from deliveries d join subscribers s on s.id = d.subscriber_id
     where s.email = any(${emails}) and d.step = 'welcome'`;
}

describe("the welcome email survives provider and queue faults, once", () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await createStack();
    await stack.startWorkers();
  });
  afterAll(() => stack.close());
  beforeEach(() => stack.fake!.reset());

  it("a provider 5xx is retried with backoff, and the email is accepted once", async () => {
    stack.fake!.failNext(1, 503);
    const email = uniqueEmail("retry");
    expect((await postJson(stack, { email })).status).toBe(202);
    const row = await waitFor(async () => ((await welcomeOf(stack, email))?.state === "sent" ? welcomeOf(stack, email) : undefined), 10_000, "sent");
    expect(row!.attempts).toBe(2);
    expect(stack.fake!.acceptedTo(email)).toHaveLength(1);
    const keys = stack.fake!.requests.filter((r) => r.path === "/emails").map((r) => r.idempotencyKey);
    expect(keys).toHaveLength(2);
    expect(keys[0]).toBe(keys[1]); // the retry is a replay under the same key
  });

  it("a response lost after the provider accepted is a replay, not a second email", async () => {
    stack.fake!.failNext(1, 500, undefined, { afterAccept: true });
    const email = uniqueEmail("lost");
    await postJson(stack, { email });
    await waitFor(async () => (await welcomeOf(stack, email))?.state === "sent", 10_000, "sent");
    expect(stack.fake!.acceptedTo(email)).toHaveLength(1);
    expect(stack.fake!.requests.filter((r) => r.path === "/emails")).toHaveLength(2);
  });

  it("a 429 pauses the queue for retry-after and then sends once", async () => {
    stack.fake!.failNext(1, 429, undefined, { headers: { "retry-after": "1" } });
    const email = uniqueEmail("limited");
    await postJson(stack, { email });
    // The whole queue paused for what the provider asked (1 s), not the limiter's usual spacing
    // of a few ms: seen in the store, not timed.
    const paused = await waitFor(async () => {
      const ttl = await stack.deps.queues.send.getRateLimitTtl();
      return ttl > 100 ? ttl : undefined;
    }, 5_000, "the send queue paused for retry-after");
    expect(paused).toBeLessThanOrEqual(1_000);
    await stack.fake!.waitFor((f) => f.acceptedTo(email).length === 1, 10_000);
    const row = await waitFor(async () => ((await welcomeOf(stack, email))?.state === "sent" ? welcomeOf(stack, email) : undefined));
    expect(row!.last_error).toBeNull();
    expect(stack.fake!.acceptedTo(email)).toHaveLength(1);
  });

  it("a permanent 422 marks the delivery failed with the error, without retrying", async () => {
    stack.fake!.failNext(1, 422, { statusCode: 422, name: "validation_error", message: "Invalid `to` field." });
    const email = uniqueEmail("rejected");
    await postJson(stack, { email });
    const row = await waitFor(async () => ((await welcomeOf(stack, email))?.state === "failed" ? welcomeOf(stack, email) : undefined), 5000, "failed");
    expect(row!.last_error).toContain("Invalid `to` field.");
    await waitForQuiet(stack); // reconciler passes, no job left, the provider idle: no retry came
    expect(stack.fake!.requests.filter((r) => r.path === "/emails")).toHaveLength(1);
    expect(stack.fake!.acceptedTo(email)).toHaveLength(0);
  });
});

describe("the queue store failing between commit and enqueue loses nothing", () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await createStack();
  });
  afterAll(() => stack.close());

  it("a signup taken while the queue store is unreachable is durable (202) and sent once by the reconciler", async () => {
    // An API whose queue store is not there (a closed port).
    const queues = unreachableQueues(stack);
    const enqueues = watchEnqueues(queues);
    const offline = createDeps(stack.config, stack.deps.logger, { queues });
    const offlineApp = createApp(appDeps(offline));
    const email = uniqueEmail("outage");
    const res = await offlineApp.request("/api/subscribe", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email }),
    });
    // The answer waited for the commit alone: when the 202 came, no enqueue had come back from
    // the store (done, refused or timed out). The enqueue follows the answer.
    const settledAtAnswer = enqueues.settled;
    expect(res.status).toBe(202);
    expect(settledAtAnswer).toBe(0);
    await waitFor(async () => enqueues.started > 0, 5_000, "the enqueue that follows the answer");
    await offline.close();
    expect((await welcomeOf(stack, email))?.state).toBe("scheduled");

    await stack.startWorkers();
    await stack.fake!.waitFor((f) => f.acceptedTo(email).length === 1, 10_000);
    await waitForRowsTerminal(() => welcomesOf(stack, [email]));
    await waitForQuiet(stack); // more reconciler passes, no job left, the provider idle: still once
    expect(stack.fake!.acceptedTo(email)).toHaveLength(1);
  });

  it("after the queue store loses everything, the reconciler re-creates the jobs and each email goes once", async () => {
    // Fill the queue while no worker runs, then wipe this stack's queue data: the jobs are gone.
    const { stack: quiet, close } = await (async () => {
      const s = await createStack();
      return { stack: s, close: () => s.close() };
    })();
    const emails = Array.from({ length: 20 }, () => uniqueEmail("wiped"));
    for (const email of emails) expect((await postJson(quiet, { email })).status).toBe(202);
    // The enqueue follows the 202 (the answer waits only for the commit), one job per batch's
    // worth of rows: wait until the adds are done.
    expect(await settledSendJobs(quiet)).toBeGreaterThan(0);
    await wipeQueueStore(quiet);
    expect(await quiet.deps.queues.send.getJobCountByTypes("wait", "delayed")).toBe(0);

    await quiet.startWorkers();
    await quiet.fake!.waitFor((f) => emails.every((e) => f.acceptedTo(e).length >= 1), 10_000);
    await waitForRowsTerminal(() => welcomesOf(quiet, emails));
    await waitForQuiet(quiet);
    for (const email of emails) expect(quiet.fake!.acceptedTo(email)).toHaveLength(1);
    await close();
  });
});
