import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { CloseBatch } from "../../src/outbound/close-batch.js";

/** Call outcomes are recorded together: one statement for those made within the window. */
describe("CloseBatch", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("records what is added within the window in one go, and settles each once recorded", async () => {
    const groups: number[][] = [];
    const batch = new CloseBatch<number, string>(async (members) => void groups.push(members), 100, 50);
    const settled: number[] = [];
    const first = batch.add(1, "sent").then(() => settled.push(1));
    vi.advanceTimersByTime(60);
    const second = batch.add(2, "sent").then(() => settled.push(2));
    expect(groups).toEqual([]); // the window runs from the first, not the last
    vi.advanceTimersByTime(40);
    await Promise.all([first, second]);
    expect(groups).toEqual([[1, 2]]);
    expect(settled).toEqual([1, 2]);
    // The next one opens a new window.
    const third = batch.add(3, "sent");
    vi.advanceTimersByTime(100);
    await third;
    expect(groups).toEqual([[1, 2], [3]]);
  });

  it("records at once when the group is full", async () => {
    const groups: number[][] = [];
    const batch = new CloseBatch<number, string>(async (members) => void groups.push(members), 100, 3);
    const added = [1, 2, 3].map((m) => batch.add(m, "sent"));
    await Promise.all(added); // no time passed
    expect(groups).toEqual([[1, 2, 3]]);
  });

  it("a group that could not be recorded rejects each of its members, and only those", async () => {
    let fail = true;
    const batch = new CloseBatch<number, string>(async () => {
      if (fail) throw new Error("connection lost");
    }, 100, 50);
    const failed = [batch.add(1, "sent"), batch.add(2, "failed")].map((p) => p.then(() => "recorded", (e: Error) => e.message));
    vi.advanceTimersByTime(100);
    expect(await Promise.all(failed)).toEqual(["connection lost", "connection lost"]);
    fail = false;
    const later = batch.add(3, "sent");
    vi.advanceTimersByTime(100);
    await expect(later).resolves.toBeUndefined();
  });
});
