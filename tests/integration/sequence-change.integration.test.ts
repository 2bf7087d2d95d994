import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { sendMessage } from "../../src/outbound/send.js";
import { sequenceFingerprint } from "../../src/campaign/plan.js";
import type { SequenceDefinition } from "../../src/campaign/sequence.js";
import type { StepKey } from "../../src/campaign/steps.js";
import { activationDeps, sendDeps, type Deps } from "../../src/deps.js";
import { startWorkers, type RunningWorkers } from "../../workers/index.js";
import { createStack, postJson, uniqueEmail, waitFor, waitForQuiet, type TestStack } from "../support/stack.js";

/**
 * docs/sequence.md "Changing the sequence": a stack runs with one definition, its workers stop, and new
 * workers start with another (deps.sequence is injected) — a deploy, in small. At
 * SEQUENCE_TIME_SCALE=86400 a day is a second; 1000 days keeps a subscriber waiting.
 */
const KEY = "flare-up-reset"; // the signups enrol in this sequence
const define = (...steps: [StepKey, number][]): SequenceDefinition => ({
  key: KEY,
  steps: steps.map(([key, delayDays]) => ({ key, delayDays })),
});

// The raw pool reads int8 as a number (src/db/client.ts).
type Row = { id: number; step: string; state: string; attempts: number; due_at: Date; sent_at: Date | null };

async function deliveriesOf(stack: TestStack, email: string): Promise<Row[]> {
  return stack.deps.db.sql<Row[]>`
    select d.id, d.step, d.state, d.attempts, d.due_at, d.sent_at
      from deliveries d join subscribers s on s.id = d.subscriber_id
     where s.email = ${email} order by d.id`;
}

async function enrollmentOf(stack: TestStack, email: string): Promise<string | undefined> {
  const [row] = await stack.deps.db.sql<{ state: string }[]>`
    select e.state from enrollments e join subscribers s on s.id = e.subscriber_id where s.email = ${email}`;
  return row?.state;
}

const stepsSent = (stack: TestStack, email: string) => stack.fake!.acceptedTo(email).map((e) => e.tags![0]!.value);

/** Waits until the subscriber's rows show `step` scheduled after everything before it was sent. */
async function waitingFor(stack: TestStack, email: string, step: string): Promise<Row> {
  return waitFor(async () => {
    const rows = await deliveriesOf(stack, email);
    const pending = rows.find((r) => r.step === step && r.state === "scheduled");
    return pending && rows.every((r) => r === pending || r.state === "sent") ? pending : undefined;
  }, 10_000, `${email} waiting for ${step}`);
}

describe("changing the sequence for subscribers mid-way", () => {
  let stack: TestStack;
  let running: RunningWorkers | undefined;
  const run = async (sequence: SequenceDefinition): Promise<Deps> => {
    const deps: Deps = { ...stack.deps, sequence };
    running = await startWorkers(deps, { concurrency: 4, reconcileEveryMs: 500 });
    return deps;
  };
  const stop = async () => {
    await running?.close();
    running = undefined;
  };

  beforeAll(async () => {
    stack = await createStack({ env: { SEQUENCE_TIME_SCALE: "86400" } });
  });
  afterEach(stop);
  afterAll(() => stack.close());

  it("an added step after the current one is sent, one added before it is passed, a re-timed scheduled step moves", async () => {
    await run(define(["welcome", 0], ["triggers", 0], ["positions", 1000]));
    const midway = uniqueEmail("midway");
    expect((await postJson(stack, { email: midway })).status).toBe(202);
    const before = await waitingFor(stack, midway, "positions");
    await stop();

    // red-flags inserted before triggers (passed), mistakes after it (not passed yet),
    // positions re-timed from 1000 days to 1.
    const changed = define(["welcome", 0], ["red-flags", 0], ["triggers", 0], ["mistakes", 0], ["positions", 1]);
    await run(changed);
    const newcomer = uniqueEmail("newcomer");
    expect((await postJson(stack, { email: newcomer })).status).toBe(202);

    await waitFor(async () => (await enrollmentOf(stack, midway)) === "completed" && (await enrollmentOf(stack, newcomer)) === "completed", 15_000, "both completed");
    expect(stepsSent(stack, midway)).toEqual(["welcome", "triggers", "mistakes", "positions"]);
    expect(stepsSent(stack, newcomer)).toEqual(["welcome", "red-flags", "triggers", "mistakes", "positions"]);

    const rows = await deliveriesOf(stack, midway);
    expect(rows.map((r) => [r.step, r.state])).toEqual([
      ["welcome", "sent"],
      ["triggers", "sent"],
      ["mistakes", "sent"],
      ["positions", "sent"],
    ]);
    // The 1000-day row was replaced, not sent: a new row, due one "day" after mistakes went out.
    const positions = rows[3]!;
    expect(positions.id).not.toBe(before.id);
    expect(positions.due_at.getTime() - rows[2]!.sent_at!.getTime()).toBe(1000);

    const [applied] = await stack.deps.db.sql<{ fingerprint: string }[]>`select fingerprint from sequence_definitions where sequence = ${KEY}`;
    expect(applied!.fingerprint).toBe(sequenceFingerprint(changed, activationDeps(stack.deps).schedule));
    expect(stack.logs.join("")).toContain("sequence changed: active enrollments re-planned");
  });

  it("a removed step's scheduled delivery is dropped and the next one scheduled; removing the rest completes", async () => {
    await run(define(["welcome", 0], ["triggers", 0], ["positions", 1000], ["mistakes", 0], ["red-flags", 1000]));
    const email = uniqueEmail("removed");
    expect((await postJson(stack, { email })).status).toBe(202);
    const positions = await waitingFor(stack, email, "positions");
    await stop();

    // positions removed: mistakes comes next (at once), then the wait for red-flags.
    await run(define(["welcome", 0], ["triggers", 0], ["mistakes", 0], ["red-flags", 1000]));
    const redFlags = await waitingFor(stack, email, "red-flags");
    expect(stepsSent(stack, email)).toEqual(["welcome", "triggers", "mistakes"]);
    const rows = await deliveriesOf(stack, email);
    expect(rows.map((r) => r.step)).toEqual(["welcome", "triggers", "mistakes", "red-flags"]);
    expect(rows.some((r) => r.id === positions.id)).toBe(false);
    await stop();

    // red-flags removed too: nothing is left, the enrollment ends without another email.
    await run(define(["welcome", 0], ["triggers", 0], ["mistakes", 0]));
    await waitFor(async () => (await enrollmentOf(stack, email)) === "completed", 10_000, "completed");
    expect((await deliveriesOf(stack, email)).map((r) => [r.step, r.state])).toEqual([
      ["welcome", "sent"],
      ["triggers", "sent"],
      ["mistakes", "sent"],
    ]);
    expect((await deliveriesOf(stack, email)).some((r) => r.id === redFlags.id)).toBe(false);
    await waitForQuiet(stack);
    expect(stepsSent(stack, email)).toEqual(["welcome", "triggers", "mistakes"]);
  });

  it("a step appended at the end reaches those on their way, not those who completed", async () => {
    await run(define(["welcome", 0]));
    const finished = uniqueEmail("finished");
    expect((await postJson(stack, { email: finished })).status).toBe(202);
    await waitFor(async () => (await enrollmentOf(stack, finished)) === "completed", 10_000, "completed");
    await stop();

    await run(define(["welcome", 0], ["triggers", 1000]));
    const onTheWay = uniqueEmail("on-the-way");
    expect((await postJson(stack, { email: onTheWay })).status).toBe(202);
    await waitingFor(stack, onTheWay, "triggers");
    await stop();

    await run(define(["welcome", 0], ["triggers", 0], ["red-flags", 0]));
    await waitFor(async () => (await enrollmentOf(stack, onTheWay)) === "completed", 10_000, "completed");
    expect(stepsSent(stack, onTheWay)).toEqual(["welcome", "triggers", "red-flags"]);
    await waitForQuiet(stack);
    expect(stepsSent(stack, finished)).toEqual(["welcome"]);
    expect(await enrollmentOf(stack, finished)).toBe("completed");
  });

  it("a delivery whose step was removed is not sent when its job runs before any re-plan (an old worker's row)", async () => {
    await run(define(["welcome", 0], ["triggers", 0], ["positions", 1], ["mistakes", 0]));
    const email = uniqueEmail("claim-time");
    expect((await postJson(stack, { email })).status).toBe(202);
    const positions = await waitingFor(stack, email, "positions");
    await stop();
    await waitFor(async () => Date.now() > positions.due_at.getTime() + 50, 5000, "positions due");

    // The job runs under a definition without positions, no re-plan having touched the row.
    const without = define(["welcome", 0], ["triggers", 0], ["mistakes", 0]);
    const outcome = await sendMessage(sendDeps({ ...stack.deps, sequence: without }), positions.id, { finalAttempt: false });
    expect(outcome).toMatchObject({ kind: "skipped" });
    expect((await deliveriesOf(stack, email)).map((r) => [r.step, r.state])).toEqual([
      ["welcome", "sent"],
      ["triggers", "sent"],
      ["mistakes", "scheduled"],
    ]);

    await run(without);
    await waitFor(async () => (await enrollmentOf(stack, email)) === "completed", 10_000, "completed");
    expect(stepsSent(stack, email)).toEqual(["welcome", "triggers", "mistakes"]);
  });

  it("a delivery in flight (retried after a provider error) is left as it is and finishes", async () => {
    await run(define(["welcome", 0], ["triggers", 0.5]));
    const email = uniqueEmail("in-flight");
    expect((await postJson(stack, { email })).status).toBe(202);
    const triggers = await waitingFor(stack, email, "triggers");
    stack.fake!.failNext(1, 503);
    // The 503 releases the row (attempts 1, still scheduled) and the job backs off for 1 s.
    await waitFor(async () => (await deliveriesOf(stack, email)).find((r) => r.step === "triggers")?.attempts === 1, 5000, "a failed attempt");
    await stop();

    // triggers re-timed to 5 days and positions appended: the row in flight keeps its due time.
    await run(define(["welcome", 0], ["triggers", 5], ["positions", 0]));
    await waitFor(async () => (await enrollmentOf(stack, email)) === "completed", 10_000, "completed");
    expect(stepsSent(stack, email)).toEqual(["welcome", "triggers", "positions"]);
    const rows = await deliveriesOf(stack, email);
    expect(rows[1]).toMatchObject({ id: triggers.id, step: "triggers", state: "sent", attempts: 2 });
    expect(rows[1]!.due_at).toEqual(triggers.due_at);
    expect(stack.logs.join("")).toMatch(/"inFlight":1/);
  });
});
