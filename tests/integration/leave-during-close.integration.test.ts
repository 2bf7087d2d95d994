import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { leaveSubscriber } from "../../src/db/queries/leaving.js";
import { lockEnrollments, scheduleNextDeliveries } from "../../src/db/queries/sequence-steps.js";
import { createStack, postJson, uniqueEmail, waitFor, type TestStack } from "../support/stack.js";

/**
 * A reader leaves (one click, a bounce, a complaint) while a step of theirs is being closed: the
 * close holds the enrollment and writes the next step's row, whose key check takes the subscriber
 * FOR KEY SHARE. The leave locked the subscriber FOR UPDATE, then waited for the enrollment: a
 * deadlock, and PostgreSQL aborted one of them (seen in the server log of full runs, the leave the
 * usual victim). The leave's lock is FOR NO KEY UPDATE, so the close goes through, then the leave.
 */
describe("leaving while a step is being closed", () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await createStack();
  });
  afterAll(() => stack.close());

  it("neither waits for the other for good: both commit, and the reader has left", async () => {
    const email = uniqueEmail("leave-close");
    expect((await postJson(stack, { email })).status).toBe(202);
    const sql = stack.deps.db.sql;
    const [reader] = await waitFor(
      async () => {
        const rows = await sql<{ subscriberId: string; enrollmentId: number }[]>`
          select s.id as "subscriberId", e.id as "enrollmentId" from subscribers s join enrollments e on e.subscriber_id = s.id
           where s.email = ${email}`;
        return rows.length > 0 ? rows : undefined;
      },
      10_000,
      "the reader's enrollment",
    );
    let leaving: Promise<unknown> | undefined;
    const closed = sql.begin(async (tx) => {
      await lockEnrollments(tx, [reader!.enrollmentId]);
      leaving = leaveSubscriber(sql, reader!.subscriberId, "unsubscribed");
      // The leave now waits for the enrollment this close holds (a positive signal, not a pause).
      await waitFor(
        async () =>
          (await sql<{ waiting: number }[]>`
            select count(*)::int as waiting from pg_stat_activity
             where datname = current_database() and wait_event_type = 'Lock' and query like '%with before as%'`)[0]!.waiting > 0 || undefined,
        10_000,
        "the leave waiting for the enrollment",
      );
      return scheduleNextDeliveries(tx, [{ enrollmentId: reader!.enrollmentId, step: "leave-close-next", dueAt: new Date(), lastStep: undefined }]);
    });
    await expect(closed).resolves.toHaveLength(1);
    await expect(leaving).resolves.toMatchObject({ previous: "active", current: "unsubscribed" });
    const [after] = await sql<{ status: string; state: string }[]>`
      select s.status, e.state from subscribers s join enrollments e on e.subscriber_id = s.id where s.id = ${reader!.subscriberId}`;
    expect(after).toEqual({ status: "unsubscribed", state: "stopped" });
  });
});
