import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createHash } from "node:crypto";
import { createStack, postJson, uniqueEmail, waitFor, waitForQuiet, waitForRowsTerminal, type TestStack } from "../support/stack.js";

/**
 * Many due emails go out through Resend's batch endpoint, ≤ RESEND_BATCH_SIZE per request,
 * each batch a unit: recorded before the call, retried as the same members under the same key.
 */
/** A batch's key as formBatch derives it in SQL: from exactly its members' ids. */
function batchKeyOf(deliveryIds: number[]): string {
  const ids = [...deliveryIds].sort((a, b) => a - b).join(",");
  return `fur-batch-${createHash("sha256").update(ids).digest("hex").slice(0, 40)}`;
}

describe("batch sending", () => {
  let stack: TestStack;
  beforeAll(async () => {
    // 10 per batch so a few dozen signups make several batches; 5 requests/s.
    stack = await createStack({ env: { RESEND_BATCH_SIZE: "10", RESEND_RATE_LIMIT: "5" } });
  });
  afterAll(() => stack.close());
  beforeEach(() => stack.fake!.reset());

  const signUpMany = async (n: number, label: string) => {
    const emails = Array.from({ length: n }, () => uniqueEmail(label));
    for (const email of emails) expect((await postJson(stack, { email })).status).toBe(202);
    return emails;
  };
  const batchRequests = () => stack.fake!.requests.filter((r) => r.path === "/emails/batch");

  it("a backlog goes out in batches of at most RESEND_BATCH_SIZE, each email once, every header kept", async () => {
    const emails = await signUpMany(35, "burst"); // queued while no worker runs
    await stack.startWorkers();
    await stack.fake!.waitFor((f) => emails.every((e) => f.acceptedTo(e).length >= 1), 20_000);
    await waitForRowsTerminal(() => stack.deps.db.sql<{ state: string }[]>`
      select d.state from deliveries d join subscribers s on s.id = d.subscriber_id
       where s.email = any(${emails}) and d.step = 'welcome'`);
    await waitForQuiet(stack);
    for (const email of emails) expect(stack.fake!.acceptedTo(email)).toHaveLength(1);
    const batches = batchRequests().filter((r) => r.status === 200);
    expect(batches.length).toBeGreaterThanOrEqual(4); // 35 / 10
    expect(Math.max(...batches.map((r) => r.count))).toBeLessThanOrEqual(10);
    const sent = stack.fake!.acceptedTo(emails[0]!)[0]!;
    expect(sent.batch).toBe(true);
    expect(sent.headers!["List-Unsubscribe-Post"]).toBe("List-Unsubscribe=One-Click");
    expect(sent.tags).toEqual([{ name: "step", value: "welcome" }]);
    // Recorded: each sent delivery knows its batch, and the key is the one derived from its members.
    const rows = await stack.deps.db.sql<{ id: string; batch_key: string | null; provider_message_id: string }[]>`
      select d.id, d.batch_key, d.provider_message_id from deliveries d join subscribers s on s.id = d.subscriber_id
       where s.email = any(${emails}) and d.step = 'welcome'`;
    const byKey = new Map<string, number[]>();
    for (const r of rows) if (r.batch_key) byKey.set(r.batch_key, [...(byKey.get(r.batch_key) ?? []), Number(r.id)]);
    expect(byKey.size).toBeGreaterThan(0);
    for (const [key, ids] of byKey) expect(batchKeyOf(ids)).toBe(key);
    const keysSent = new Set(batches.map((r) => r.idempotencyKey));
    for (const key of byKey.keys()) expect(keysSent.has(key)).toBe(true);
  });

  it("a batch whose answer is lost is sent again as the same members under the same key: a replay", async () => {
    await stack.deps.queues.send.pause();
    const emails = await signUpMany(12, "lost");
    stack.fake!.failNext(1, 500, undefined, { afterAccept: true, path: "/emails/batch" });
    await stack.deps.queues.send.resume();
    await stack.fake!.waitFor((f) => emails.every((e) => f.acceptedTo(e).length >= 1), 20_000);
    await waitFor(async () => {
      const rows = await stack.deps.db.sql`
        select 1 from deliveries d join subscribers s on s.id = d.subscriber_id
         where s.email = any(${emails}) and d.step = 'welcome' and d.state = 'sent'`;
      return rows.length === emails.length;
    }, 20_000, "all sent");
    for (const email of emails) expect(stack.fake!.acceptedTo(email)).toHaveLength(1);
    const [failed, ...rest] = batchRequests();
    expect(failed!.status).toBe(500);
    // The retry carried the same key (the provider replayed its first answer).
    expect(rest.some((r) => r.idempotencyKey === failed!.idempotencyKey && r.status === 200)).toBe(true);
  });

  it("a batch the provider refuses (422) is dissolved: its members go out one by one, each once", async () => {
    await stack.deps.queues.send.pause();
    const emails = await signUpMany(12, "refused");
    stack.fake!.failNext(1, 422, { statusCode: 422, name: "validation_error", message: "Invalid `to` field." }, { path: "/emails/batch" });
    await stack.deps.queues.send.resume();
    await stack.fake!.waitFor((f) => emails.every((e) => f.acceptedTo(e).length >= 1), 20_000);
    await waitForQuiet(stack);
    for (const email of emails) expect(stack.fake!.acceptedTo(email)).toHaveLength(1);
    const [refused] = batchRequests();
    expect(refused!.status).toBe(422);
    // Its members went out on their own (single sends), never again in a batch.
    expect(stack.fake!.requests.filter((r) => r.path === "/emails" && r.status === 200).length).toBeGreaterThanOrEqual(refused!.count);
  });
});
