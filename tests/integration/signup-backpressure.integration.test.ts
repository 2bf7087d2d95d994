import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SignupBacklogFull, SignupBatcher } from "../../src/campaign/signup-batcher.js";
import { PENDING_RESEND_GAP_SECONDS, RETURNING_GAP_SECONDS } from "../../src/campaign/opt-in.js";
import { leave } from "../../src/campaign/leave.js";
import { signupFields } from "../../src/campaign/signup-fields.js";
import { parseSignup } from "../../src/campaign/signup-input.js";
import type { NewSignup } from "../../src/db/queries/signup.js";
import { createStack, postJson, uniqueEmail, waitFor, type TestStack } from "../support/stack.js";

/**
 * Issue 30 §2 and issue 28: a signup's answer does not wait for work only a new address does
 * (its enqueue starts after the answer), and the batcher's wait queue is bounded (503 with
 * Retry-After past it). The timing figure itself is in `npm run bench` (bench/signup-timing.ts).
 */
describe("signup: the same work before the answer, and backpressure", () => {
  let stack: TestStack;
  beforeAll(async () => {
    // Four batches held behind a lock hold four of the pool's connections; the test reads with more.
    stack = await createStack({ env: { SIGNUP_BACKLOG: "2", DATABASE_POOL_SIZE: "6" } });
  });
  afterAll(() => stack.close());

  const newSignup = (email: string): NewSignup => {
    const parsed = parseSignup({ email });
    if (!parsed.ok) throw new Error(parsed.error.message);
    const first = stack.deps.sequence.steps[0]!;
    return { ...signupFields(parsed.input, { ip: "192.0.2.1", userAgent: "test" }), sequence: stack.deps.sequence.key, firstStep: first.key,
             pendingGapSeconds: PENDING_RESEND_GAP_SECONDS, returningGapSeconds: RETURNING_GAP_SECONDS };
  };

  it("a new address's enqueue starts only after its 202 is out; a known address's the same way", async () => {
    // The real queue, watched: which deliveries were handed to it, and when.
    const queues = stack.deps.queues;
    const enqueue = queues.enqueueDeliveries.bind(queues);
    const calls: number[][] = [];
    queues.enqueueDeliveries = (jobs) => {
      calls.push(jobs.map((j) => j.id));
      return enqueue(jobs);
    };
    try {
      const email = uniqueEmail("order");
      const res = await postJson(stack, { email });
      // The route has written its answer: the enqueue has not begun (it waits for the next turn of
      // the event loop), so a new address pays for nothing a known one does not before its 202.
      expect(res.status).toBe(202);
      expect(calls).toEqual([]);
      await waitFor(async () => calls.length === 1, 5000, "the enqueue after the answer");
      const [delivery] = await stack.deps.db.sql<{ id: number }[]>`
        select d.id from deliveries d join subscribers s on s.id = d.subscriber_id where s.email = ${email}`;
      expect(calls).toEqual([[delivery!.id]]);

      // The same address again is a known one: answered the same, and its message row (a
      // confirmation an active address is not sent: written cancelled, skipped at the claim) is
      // enqueued after the answer just like a new one's — the same work after the answer too.
      expect((await postJson(stack, { email })).status).toBe(202);
      expect(calls).toHaveLength(1);
      await waitFor(async () => calls.length === 2, 5000, "the known address's enqueue after the answer");
      const [cancelled] = await stack.deps.db.sql<{ id: number }[]>`
        select d.id from deliveries d join subscribers s on s.id = d.subscriber_id
         where s.email = ${email} and d.kind = 'confirmation' and d.state = 'cancelled'`;
      expect(calls[1]).toEqual([cancelled!.id]);
      const third = uniqueEmail("order");
      expect((await postJson(stack, { email: third })).status).toBe(202);
      await waitFor(async () => calls.length === 3, 5000, "the third signup's enqueue");
      const [thirdDelivery] = await stack.deps.db.sql<{ id: number }[]>`
        select d.id from deliveries d join subscribers s on s.id = d.subscriber_id where s.email = ${third}`;
      expect(calls[2]).toEqual([thirdDelivery!.id]);
    } finally {
      queues.enqueueDeliveries = enqueue;
    }
  });

  /** The rows a signup writes for this address, by table (consents, and messages by kind/state). */
  const writtenFor = async (email: string) => {
    const [row] = await stack.deps.db.sql<{ consents: number; messages: string[] }[]>`
      select (select count(*)::int from consents c where c.subscriber_id = s.id) as consents,
             (select coalesce(array_agg(d.kind || ':' || d.state order by d.id), '{}') from deliveries d where d.subscriber_id = s.id) as messages
        from subscribers s where s.email = ${email}`;
    return row!;
  };

  it("a known address writes into the same tables as a new one, in the one statement before its 202", async () => {
    // Issue 30: a known address that only updated a column was answered faster. Now each
    // submission writes its consent record and a message row whether the address is new or
    // known; an active address's message is written cancelled, so it is never sent.
    const email = uniqueEmail("same-work");
    expect((await postJson(stack, { email })).status).toBe(202);
    expect(await writtenFor(email)).toEqual({ consents: 1, messages: ["step:scheduled"] });
    expect((await postJson(stack, { email })).status).toBe(202);
    expect(await writtenFor(email)).toEqual({ consents: 2, messages: ["step:scheduled", "confirmation:cancelled"] });
  });

  it("a returning address's confirmation is committed by its 202, even with the queue store down", async () => {
    // Issue 28: it was requested after the answer (fire and forget), so a crash could lose it.
    const queues = stack.deps.queues;
    const enqueue = queues.enqueueDeliveries;
    const signedUp = async (label: string) => {
      const email = uniqueEmail(label);
      expect((await postJson(stack, { email })).status).toBe(202);
      const [row] = await stack.deps.db.sql<{ id: string }[]>`select id from subscribers where email = ${email}`;
      return { email, id: row!.id };
    };
    const left = await signedUp("returning");
    await leave(stack.deps.db.sql, left.id, "unsubscribed");
    const pending = await signedUp("pending-again");
    await stack.deps.db.sql`
      update subscribers set status = 'pending', confirmed_at = null, confirmation_requested_at = now() - interval '11 minutes'
       where id = ${pending.id}`;
    queues.enqueueDeliveries = () => Promise.reject(new Error("the queue store is down"));
    try {
      for (const reader of [left, pending]) {
        expect((await postJson(stack, { email: reader.email })).status).toBe(202);
        expect((await writtenFor(reader.email)).messages).toContain("confirmation:scheduled");
      }
      // Asked again at once: within the rate limit, so written, but cancelled.
      expect((await postJson(stack, { email: left.email })).status).toBe(202);
      expect(await writtenFor(left.email)).toEqual({
        consents: 3,
        messages: ["step:cancelled", "confirmation:scheduled", "confirmation:cancelled"],
      });
      expect((await stack.deps.db.sql<{ status: string }[]>`select status from subscribers where id = ${left.id}`)[0]!.status).toBe("unsubscribed");
    } finally {
      queues.enqueueDeliveries = enqueue;
    }
  });

  it("the batcher refuses past maxWaiting without touching the database", async () => {
    const batcher = new SignupBatcher(
      { sql: stack.deps.db.sql, logger: stack.deps.logger, queues: stack.deps.queues },
      { maxInFlight: 1, maxBatch: 1, maxWaiting: 1, rowsPerJob: 1 },
    );
    // Both submitted in one turn: the first waits for the batch slot, the second finds the queue full.
    const first = batcher.submit(newSignup(uniqueEmail("bound")));
    await expect(batcher.submit(newSignup(uniqueEmail("bound")))).rejects.toBeInstanceOf(SignupBacklogFull);
    expect(await first).toBeDefined();
  });

  it("past SIGNUP_BACKLOG waiting signups the API answers 503 with Retry-After, and stores nothing for it", async () => {
    const holder = postgres(stack.databaseUrl, { max: 1, onnotice: () => {} });
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    let locked!: () => void;
    const isLocked = new Promise<void>((r) => (locked = r));
    const holding = holder.begin(async (tx) => {
      await tx`lock table subscribers in exclusive mode`;
      locked();
      await released;
    });
    await isLocked;
    const blockedInserts = async () => {
      const [row] = await stack.deps.db.sql<{ n: number }[]>`
        select count(*)::int as n from pg_locks l join pg_class c on c.oid = l.relation
         where c.relname = 'subscribers' and not l.granted
           and l.database = (select oid from pg_database where datname = current_database())`;
      return row!.n;
    };
    const pending: (Response | Promise<Response>)[] = [];
    const emails: string[] = [];
    try {
      // Four batches in flight (maxInFlight), each stuck behind the lock …
      for (let i = 1; i <= 4; i++) {
        emails.push(uniqueEmail("held"));
        pending.push(postJson(stack, { email: emails.at(-1) }));
        await waitFor(async () => (await blockedInserts()) === i, 5000, `${i} blocked inserts`);
      }
      // … then two wait for a slot (SIGNUP_BACKLOG = 2) …
      for (let i = 1; i <= 2; i++) {
        emails.push(uniqueEmail("waiting"));
        pending.push(postJson(stack, { email: emails.at(-1) }));
        await waitFor(async () => stack.deps.signups.backlog === i, 5000, `${i} waiting signups`);
      }
      // … and the next is refused at once.
      const refused = uniqueEmail("refused");
      const res = await postJson(stack, { email: refused });
      expect(res.status).toBe(503);
      expect(res.headers.get("retry-after")).toBe("1");
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe("unavailable");
      release();
      await holding;
      expect((await Promise.all(pending)).map((r) => r.status)).toEqual([202, 202, 202, 202, 202, 202]);
      const stored = await stack.deps.db.sql<{ email: string }[]>`select email from subscribers where email in ${stack.deps.db.sql([...emails, refused])}`;
      expect(stored.map((r) => r.email).sort()).toEqual([...emails].sort());
    } finally {
      release();
      await holding.catch(() => undefined);
      await holder.end();
    }
  });
});
