import { describe, expect, it } from "vitest";
import { planNext, sequenceFingerprint, type FinishedStep, type ScheduleSettings } from "../../src/campaign/plan.js";
import { assertValidSequence, FLARE_UP_RESET, type SequenceDefinition } from "../../src/campaign/sequence.js";

const DAY = 24 * 60 * 60 * 1000;
const settings: ScheduleSettings = { timeScale: 1, window: undefined, defaultTimeZone: "UTC" };
const start = new Date("2026-05-01T10:00:00Z");
const at = (days: number) => new Date(start.getTime() + days * DAY);
const done = (...pairs: [string, number][]): FinishedStep[] => pairs.map(([step, day]) => ({ step, finishedAt: at(day) }));

function sequence(...steps: [SequenceDefinition["steps"][number]["key"], number][]): SequenceDefinition {
  return { key: "test", steps: steps.map(([key, delayDays]) => ({ key, delayDays })) };
}

describe("planNext on the default sequence", () => {
  it("starts with the welcome at once", () => {
    const next = planNext(FLARE_UP_RESET, [], start, settings, null);
    expect(next?.step.key).toBe("welcome");
    expect(next?.dueAt).toEqual(start);
  });

  it.each([
    [["welcome"], "triggers", 1],
    [["welcome", "triggers"], "positions", 2],
    [["welcome", "triggers", "positions"], "mistakes", 2],
    [["welcome", "triggers", "positions", "mistakes"], "red-flags", 2],
  ] as const)("after %j comes %s, %i day(s) after the last send", (finished, expected, delay) => {
    const last = 10; // the last one went out on day 10, the others earlier
    const input = finished.map((step, i) => ({ step, finishedAt: at(i === finished.length - 1 ? last : i) }));
    const next = planNext(FLARE_UP_RESET, input, start, settings, null);
    expect(next?.step.key).toBe(expected);
    expect(next?.dueAt).toEqual(at(last + delay));
  });

  it("after the red flags comes the check-in, three days later", () => {
    const all = done(["welcome", 0], ["triggers", 1], ["positions", 3], ["mistakes", 5], ["red-flags", 7]);
    const next = planNext(FLARE_UP_RESET, all, start, settings, null);
    expect(next?.step.key).toBe("check-in");
    expect(next?.dueAt).toEqual(at(10));
  });
});

describe("planNext: the check-in's branches", () => {
  const asked = done(["welcome", 0], ["triggers", 1], ["positions", 3], ["mistakes", 5], ["red-flags", 7], ["check-in", 10]);
  const window = { startMinute: 8 * 60, endMinute: 20 * 60 };

  it("no answer: the closing email, four days after the check-in", () => {
    const next = planNext(FLARE_UP_RESET, asked, start, settings, null);
    expect(next?.step.key).toBe("closing");
    expect(next?.dueAt).toEqual(at(14));
  });

  it.each([
    ["worse", "check-in-worse", 0],
    ["same", "check-in-same", 1],
    ["better", "check-in-better", 1],
  ] as const)("the answer %s leads to %s, %i day(s) after the answer", (answer, step, delay) => {
    const answeredAt = at(11.5);
    const next = planNext(FLARE_UP_RESET, asked, start, settings, null, { answer, answeredAt });
    expect(next?.step.key).toBe(step);
    expect(next?.dueAt).toEqual(at(11.5 + delay));
  });

  it("the email after a 'worse' answer is not held for the send window; the others are", () => {
    const night = new Date("2026-05-12T02:30:00Z"); // 02:30 in UTC: outside 08:00-20:00
    const withWindow = { ...settings, window };
    const worse = planNext(FLARE_UP_RESET, asked, start, withWindow, null, { answer: "worse", answeredAt: night });
    expect(worse?.dueAt).toEqual(night);
    const same = planNext(FLARE_UP_RESET, asked, start, withWindow, null, { answer: "same", answeredAt: night });
    expect(same?.dueAt).toEqual(new Date("2026-05-13T08:00:00Z"));
  });

  it("exactly one last email: after any branch's email nothing follows, whatever the answer", () => {
    for (const last of ["check-in-worse", "check-in-same", "check-in-better", "closing"]) {
      const finished = [...asked, { step: last, finishedAt: at(15) }];
      expect(planNext(FLARE_UP_RESET, finished, start, settings, null)).toBeUndefined();
      expect(planNext(FLARE_UP_RESET, finished, start, settings, null, { answer: "worse", answeredAt: at(16) })).toBeUndefined();
    }
  });

  it("a branch's step is never reached by position: before the check-in, the main line goes on", () => {
    const next = planNext(FLARE_UP_RESET, done(["welcome", 0], ["triggers", 1]), start, settings, null, { answer: "worse", answeredAt: at(2) });
    expect(next?.step.key).toBe("positions");
  });

  it("a definition whose branch leads nowhere, or to a question, is refused", () => {
    const broken: SequenceDefinition = {
      key: "b",
      steps: [{ key: "check-in", delayDays: 0, branches: { answers: { worse: "closing", same: "closing", better: "closing" }, unanswered: "check-in-same" } }, { key: "closing", delayDays: 1 }],
    };
    expect(() => assertValidSequence(broken)).toThrow(/check-in-same/);
    const loop: SequenceDefinition = {
      key: "c",
      steps: [{ key: "check-in", delayDays: 0, branches: { answers: { worse: "check-in", same: "check-in", better: "check-in" }, unanswered: "check-in" } }],
    };
    expect(() => assertValidSequence(loop)).toThrow(/cannot ask a question/);
  });

  it("a failed step counts as finished: the sequence goes on from it", () => {
    const next = planNext(FLARE_UP_RESET, done(["welcome", 0], ["triggers", 1]), start, settings, null);
    expect(next?.step.key).toBe("positions");
  });

  it("divides the delay by the time scale", () => {
    const next = planNext(FLARE_UP_RESET, done(["welcome", 0]), start, { ...settings, timeScale: 86400 }, null);
    expect(next?.dueAt).toEqual(new Date(start.getTime() + 1000));
  });

  it("moves the due time into the send window of the subscriber's zone, else the default zone", () => {
    const window = { startMinute: 8 * 60, endMinute: 20 * 60 };
    const evening = [{ step: "welcome", finishedAt: new Date("2026-05-01T22:00:00Z") }];
    // 22:00 UTC + 1 day is 18:00 in New York (inside) but 23:00 in Lisbon (outside: next 08:00 WEST).
    expect(planNext(FLARE_UP_RESET, evening, start, { ...settings, window }, "America/New_York")?.dueAt).toEqual(
      new Date("2026-05-02T22:00:00Z"),
    );
    expect(planNext(FLARE_UP_RESET, evening, start, { ...settings, window }, "Europe/Lisbon")?.dueAt).toEqual(
      new Date("2026-05-03T07:00:00Z"),
    );
    expect(
      planNext(FLARE_UP_RESET, evening, start, { ...settings, window, defaultTimeZone: "Europe/Lisbon" }, null)?.dueAt,
    ).toEqual(new Date("2026-05-03T07:00:00Z"));
  });
});

describe("planNext after the definition changed", () => {
  it("a step added after the furthest finished one is next", () => {
    const changed = sequence(["welcome", 0], ["triggers", 1], ["mistakes", 3], ["positions", 2]);
    const next = planNext(changed, done(["welcome", 0], ["triggers", 1]), start, settings, null);
    expect(next?.step.key).toBe("mistakes");
    expect(next?.dueAt).toEqual(at(4));
  });

  it("a step added before the furthest finished one is passed: never go back", () => {
    const changed = sequence(["welcome", 0], ["red-flags", 1], ["triggers", 1], ["positions", 2]);
    const next = planNext(changed, done(["welcome", 0], ["triggers", 1]), start, settings, null);
    expect(next?.step.key).toBe("positions");
  });

  it("a removed step is skipped, and the delay still counts from the last email sent", () => {
    const changed = sequence(["welcome", 0], ["triggers", 1], ["mistakes", 2], ["red-flags", 2]);
    // positions was sent on day 3 before it was removed: the position is triggers, the clock day 3.
    const next = planNext(changed, done(["welcome", 0], ["triggers", 1], ["positions", 3]), start, settings, null);
    expect(next?.step.key).toBe("mistakes");
    expect(next?.dueAt).toEqual(at(5));
  });

  it("a re-timed step takes its new delay", () => {
    const changed = sequence(["welcome", 0], ["triggers", 5]);
    expect(planNext(changed, done(["welcome", 0]), start, settings, null)?.dueAt).toEqual(at(5));
  });

  it("removing the remaining steps ends the sequence", () => {
    const shorter = sequence(["welcome", 0], ["triggers", 1]);
    expect(planNext(shorter, done(["welcome", 0], ["triggers", 1]), start, settings, null)).toBeUndefined();
  });

  it("with no step of the new definition finished, it starts from its first step", () => {
    const other = sequence(["positions", 0], ["red-flags", 1]);
    expect(planNext(other, done(["welcome", 0]), start, settings, null)?.step.key).toBe("positions");
  });
});

describe("sequenceFingerprint", () => {
  const base = sequenceFingerprint(FLARE_UP_RESET, settings);

  it("is stable for the same definition and settings", () => {
    expect(sequenceFingerprint({ ...FLARE_UP_RESET, steps: [...FLARE_UP_RESET.steps] }, { ...settings })).toBe(base);
  });

  it.each([
    ["a re-timed step", { ...FLARE_UP_RESET, steps: FLARE_UP_RESET.steps.map((s) => (s.key === "triggers" ? { ...s, delayDays: 2 } : s)) }, settings],
    ["a removed step", { ...FLARE_UP_RESET, steps: FLARE_UP_RESET.steps.filter((s) => s.key !== "mistakes") }, settings],
    ["a re-ordered sequence", { ...FLARE_UP_RESET, steps: [...FLARE_UP_RESET.steps].reverse() }, settings],
    ["another time scale", FLARE_UP_RESET, { ...settings, timeScale: 86400 }],
    ["a send window", FLARE_UP_RESET, { ...settings, window: { startMinute: 480, endMinute: 1200 } }],
    ["another default zone", FLARE_UP_RESET, { ...settings, defaultTimeZone: "Europe/Lisbon" }],
  ] as const)("changes with %s", (_what, definition, scheduleSettings) => {
    expect(sequenceFingerprint(definition, scheduleSettings)).not.toBe(base);
  });
});

describe("assertValidSequence", () => {
  it("accepts the default sequence", () => {
    expect(() => assertValidSequence(FLARE_UP_RESET)).not.toThrow();
  });

  it.each([
    ["no steps", { key: "x", steps: [] }, /no steps/],
    ["a step twice", sequence(["welcome", 0], ["welcome", 1]), /twice/],
    ["a negative delay", sequence(["welcome", 0], ["triggers", -1]), /0 days or more/],
  ] as const)("rejects %s", (_what, definition, message) => {
    expect(() => assertValidSequence(definition)).toThrow(message);
  });
});
