import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sendDeps } from "../../src/deps.js";
import { claimDelivery, discardClaimedDelivery, finishDeliveries, releaseDelivery, type ClaimedMessage } from "../../src/db/queries/deliveries.js";
import { sendMessage } from "../../src/outbound/send.js";
import type { Transport } from "../../src/mail/transport.js";
import { createStack, postJson, uniqueEmail, type TestStack } from "../support/stack.js";

/**
 * A claim has an owner (issue 28): the lease token written at the claim. A worker whose lease ran
 * out — its row claimed by another since — can no longer finish, release, defer or discard it:
 * nothing changes, and the pipeline says so.
 */
describe("claims with an owner", () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await createStack();
  });
  afterAll(() => stack.close());

  /** A new reader's welcome, claimed; no worker runs in this stack. */
  async function welcome(label: string): Promise<number> {
    const email = uniqueEmail(label);
    expect((await postJson(stack, { email })).status).toBe(202);
    const [row] = await stack.deps.db.sql<{ id: number }[]>`
      select d.id from deliveries d join subscribers s on s.id = d.subscriber_id where s.email = ${email}`;
    return row!.id;
  }
  /** The lease runs out (as 61 s later) and another worker claims the row. */
  async function takeOver(id: number): Promise<ClaimedMessage> {
    await stack.deps.db.sql`update deliveries set claimed_at = claimed_at - interval '61 seconds' where id = ${id}`;
    const second = await claimDelivery(stack.deps.db.sql, id, 60);
    if (!second.claimed) throw new Error(`the row could not be claimed again: ${second.state}`);
    return second.claimed;
  }
  const rowOf = async (id: number) =>
    (await stack.deps.db.sql<{ state: string; lease: string; last_error: string | null }[]>`
      select state::text, lease::text, last_error from deliveries where id = ${id}`)[0]!;

  it("finishing, releasing, deferring or discarding a claim one no longer holds changes nothing", async () => {
    const sql = stack.deps.db.sql;
    const id = await welcome("owner-stale");
    const first = await claimDelivery(sql, id, 60);
    const stale = first.claimed!;
    const current = await takeOver(id);
    expect(current.lease).not.toBe(stale.lease);

    expect((await finishDeliveries(sql, [{ id, lease: stale.lease, messageId: "stale" }])).size).toBe(0);
    expect(await releaseDelivery(sql, stale, "stale error")).toBe(false);
    expect(await releaseDelivery(sql, stale, "stale defer", { at: new Date(Date.now() + 60_000), attempted: false })).toBe(false);
    expect(await discardClaimedDelivery(sql, stale)).toBe(false);
    expect(await rowOf(id)).toEqual({ state: "sending", lease: current.lease, last_error: null });

    // The holder's outcome counts.
    expect((await finishDeliveries(sql, [{ id, lease: current.lease, messageId: "current" }])).size).toBe(1);
    expect((await rowOf(id)).state).toBe("sent");
  });

  it("a send whose claim was taken over while the provider answered records nothing and logs it", async () => {
    const id = await welcome("owner-slow");
    let takenOver: ClaimedMessage | undefined;
    // The provider answers only after this worker's lease ran out and another worker claimed the row.
    const slowProvider: Transport = {
      name: "outbox",
      async send() {
        takenOver = await takeOver(id);
        return { ok: true, messageId: "late-answer" };
      },
    };
    const from = stack.logs.length;
    const outcome = await sendMessage({ ...sendDeps(stack.deps), transport: slowProvider }, id, { finalAttempt: false });
    expect(outcome.kind).toBe("sent");
    const row = (await stack.deps.db.sql<{ state: string; lease: string; provider_message_id: string | null }[]>`
      select state::text, lease::text, provider_message_id from deliveries where id = ${id}`)[0]!;
    expect(row).toEqual({ state: "sending", lease: takenOver!.lease, provider_message_id: null });
    expect(stack.logs.slice(from).join("")).toMatch(/the claim was no longer this worker's when recording 1 outcome/);
  });
});
