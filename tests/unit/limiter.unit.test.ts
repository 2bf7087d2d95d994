import { describe, expect, it } from "vitest";
import { limiterFor } from "../../workers/send-worker.js";

describe("limiterFor", () => {
  it.each([
    [2, { max: 2, duration: 1000 }],
    [1, { max: 1, duration: 1000 }],
    [1000, { max: 1000, duration: 1000 }],
    [0.5, { max: 1, duration: 2000 }],
    [0.25, { max: 1, duration: 4000 }],
    [2.5, { max: 5, duration: 2000 }],
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
