import { describe, expect, it } from "vitest";
import { sequenceGraph } from "../../src/admin/sequence-graph.js";
import { FLARE_UP_RESET } from "../../src/campaign/sequence.js";

describe("the dashboard's sequence graph (src/admin/sequence-graph.ts)", () => {
  it("draws the main line with what was sent, then one path per answer and one for no answer", () => {
    const sent: Record<string, number> = { welcome: 10, triggers: 9, positions: 9, mistakes: 8, "red-flags": 8, "check-in": 7, "check-in-worse": 1, "check-in-same": 2, "check-in-better": 1, closing: 2 };
    const graph = sequenceGraph(FLARE_UP_RESET, {
      steps: Object.entries(sent).map(([step, n]) => ({ step, sent: n, delivered: 0, opened: 0, clicked: 0, automatedClicks: 0, bounced: 0, complained: 0, failed: 0, unsubscribed: 0 })),
      checkIn: { asked: 7, better: 2, same: 2, worse: 1, unanswered: 2 },
    });
    expect(graph.line).toEqual(["welcome", "triggers", "positions", "mistakes", "red-flags", "check-in"].map((step) => ({ step, sent: sent[step] })));
    expect(graph.question).toEqual({
      step: "check-in",
      asked: 7,
      paths: [
        { label: "Worse", readers: 1, step: "check-in-worse", sent: 1 },
        { label: "About the same", readers: 2, step: "check-in-same", sent: 2 },
        { label: "Better", readers: 2, step: "check-in-better", sent: 1 },
        { label: "No answer", readers: 2, step: "closing", sent: 2 },
      ],
    });
  });

  it("a sequence that asks nothing is a line", () => {
    const graph = sequenceGraph({ key: "plain", steps: [{ key: "welcome", delayDays: 0 }] }, { steps: [], checkIn: { asked: 0, better: 0, same: 0, worse: 0, unanswered: 0 } });
    expect(graph).toEqual({ line: [{ step: "welcome", sent: 0 }] });
  });
});
