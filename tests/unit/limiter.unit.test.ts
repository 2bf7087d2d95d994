import { describe, expect, it } from "vitest";
import { limiterFor } from "../../workers/send-worker.js";

describe("limiterFor", () => {
  it.each([
    [2, { max: 1, duration: 510 }],
    [1, { max: 1, duration: 1020 }],
    [5, { max: 1, duration: 204 }],
    [0.5, { max: 1, duration: 2040 }],
    [2.5, { max: 1, duration: 408 }],
  ])("turns %s/s into %j", (rate, expected) => {
    expect(limiterFor(rate)).toEqual(expected);
  });

  // BullMQ counts whole jobs per duration, so the limiter may round the rate down but never up:
  // Resend answers anything faster than the configured rate with 429s.
  it.each([0.001, 0.1, 0.3, 0.5, 0.7, 0.9, 1, 1.2, 1.3, 1.5, 1.75, 2, 2.25, 2.5, 3, 3.7, 7.9, 10, 12.5, 999.9, 1000])(
    "never exceeds the requested %s/s and allows at least one job",
    (rate) => {
      const { max, duration } = limiterFor(rate);
      expect(Number.isInteger(max)).toBe(true);
      expect(Number.isInteger(duration)).toBe(true);
      expect(max).toBeGreaterThanOrEqual(1);
      expect(duration).toBeGreaterThan(0);
      expect((max * 1000) / duration).toBeLessThanOrEqual(rate);
    },
  );
});

// A provider measures a sliding window: evenly spaced single slots never put more than `rate`
// requests into any 1000 ms, wherever the window starts (a fixed window of `rate` could put 2×).
describe("limiterFor spacing", () => {
  it.each([1, 2, 3, 5, 10, 50])("at most %s requests in any sliding second", (rate) => {
    const { max, duration } = limiterFor(rate);
    expect(max).toBe(1);
    const starts = Array.from({ length: 200 }, (_, i) => i * duration);
    for (let from = 0; from < 20_000; from += 7) {
      const inWindow = starts.filter((t) => t >= from && t < from + 1000).length;
      expect(inWindow).toBeLessThanOrEqual(rate);
    }
  });
});
