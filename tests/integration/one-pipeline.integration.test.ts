import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { leave } from "../../src/campaign/leave.js";
import { wipeQueueStore } from "../support/queue-faults.js";
import { createStack, postJson, settledSendJobs, uniqueEmail, waitFor, type TestStack } from "../support/stack.js";

/**
 * One pipeline for every kind of message (DESIGN.md invariant 2): a step, a double opt-in
 * confirmation and a fresh guide link are all rows before they are jobs, so when the queue store
 * loses everything while no worker runs, the one reconciler re-offers each kind and each email
 * goes out exactly once. (Before the pipeline was one, a fresh link lost this way was never sent.)
 */
describe("every kind of message survives a lost queue store, and goes once", () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await createStack();
  });
  afterAll(() => stack.close());

  const tagged = (email: string, tag: string) =>
    stack.fake!.acceptedTo(email).filter((e) => e.tags?.some((t) => t.name === "step" && t.value === tag));

  it("a step, a confirmation and a fresh link asked for while the worker is down all go out once after a wipe", async () => {
    const sql = stack.deps.db.sql;
    // A step: a new reader's welcome.
    const reader = uniqueEmail("pipeline-step");
    expect((await postJson(stack, { email: reader })).status).toBe(202);
    // A confirmation: an address that left and is typed into the form again (a new opt-in).
    const returning = uniqueEmail("pipeline-confirm");
    expect((await postJson(stack, { email: returning })).status).toBe(202);
    const [left] = await sql<{ id: string }[]>`select id from subscribers where email = ${returning}`;
    await leave(sql, left!.id, "unsubscribed");
    expect((await postJson(stack, { email: returning })).status).toBe(202);
    // A fresh guide link, asked for from an expired link's page.
    const asking = uniqueEmail("pipeline-fresh");
    expect((await postJson(stack, { email: asking })).status).toBe(202);
    const fresh = await stack.app.request("/guide/fresh-link", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ email: asking }).toString(),
    });
    expect(fresh.status).toBe(200);

    // The confirmation and the fresh link are written just after their answers (issue 17: timing).
    const kinds = await waitFor(async () => {
      const rows = await sql<{ kind: string; n: number }[]>`
        select d.kind, count(*)::int as n from deliveries d join subscribers s on s.id = d.subscriber_id
         where s.email in (${reader}, ${returning}, ${asking}) and d.state = 'scheduled' group by d.kind order by d.kind`;
      return rows.length === 3 && rows;
    }, 5000, "the three kinds of rows");
    expect(kinds).toEqual([
      { kind: "confirmation", n: 1 },
      { kind: "fresh-link", n: 1 },
      { kind: "step", n: 2 }, // the reader's and the asker's welcomes
    ]);
    // Every job was added, then the store loses them all.
    expect(await settledSendJobs(stack)).toBeGreaterThan(0);
    await wipeQueueStore(stack);
    expect(await stack.deps.queues.send.getJobCountByTypes("wait", "delayed", "prioritized", "active")).toBe(0);

    await stack.startWorkers();
    // The signal: every message of these three readers is out of "scheduled"/"sending" (the next
    // steps are days away, left as rows), and the send queue has nothing left to run.
    await waitFor(
      async () => {
        const [pending] = await sql<{ n: number }[]>`
          select count(*)::int as n from deliveries d join subscribers s on s.id = d.subscriber_id
           where s.email in (${reader}, ${returning}, ${asking}) and d.due_at <= now() and d.state in ('scheduled', 'sending')`;
        const queued = await stack.deps.queues.send.getJobCountByTypes("wait", "delayed", "prioritized", "active");
        return pending!.n === 0 && queued === 0;
      },
      20_000,
      "every due message sent and the send queue drained",
    );
    // Several reconciler passes have run by now (every 500 ms); each email went exactly once.
    expect(tagged(reader, "welcome")).toHaveLength(1);
    expect(tagged(returning, "confirm")).toHaveLength(1);
    expect(tagged(asking, "welcome")).toHaveLength(1);
    expect(tagged(asking, "fresh-link")).toHaveLength(1);
    expect(stack.fake!.acceptedTo(returning)).toHaveLength(1);
    expect(stack.fake!.acceptedTo(asking)).toHaveLength(2);
    const states = await sql<{ kind: string; state: string }[]>`
      select d.kind, d.state from deliveries d join subscribers s on s.id = d.subscriber_id
       where s.email in (${reader}, ${returning}, ${asking}) and d.state <> 'scheduled' order by d.kind, d.state::text`;
    expect(states).toEqual([
      { kind: "confirmation", state: "sent" },
      { kind: "fresh-link", state: "sent" },
      { kind: "step", state: "cancelled" }, // the returning reader's welcome, cancelled when they left
      { kind: "step", state: "sent" },
      { kind: "step", state: "sent" },
    ]);
  });
});
