import type { SequenceDefinition } from "../campaign/sequence.js";
import { branchTargets } from "../campaign/sequence.js";
import type { CampaignStats } from "./stats.js";

/**
 * The sequence as the dashboard draws it: the main line of emails with how many went out, then,
 * at the question, one path per answer (and the one for no answer) with how many readers took it
 * and how many got its email. Pure: the definition and the stats in, the picture's numbers out.
 */
export interface SequenceGraph {
  line: { step: string; sent: number }[];
  question?: {
    step: string;
    asked: number;
    paths: { label: string; readers: number; step: string; sent: number }[];
  };
}

const ANSWER_LABELS = { better: "Better", same: "About the same", worse: "Worse" } as const;

export function sequenceGraph(sequence: SequenceDefinition, stats: Pick<CampaignStats, "steps" | "checkIn">): SequenceGraph {
  const sent = (step: string) => stats.steps.find((s) => s.step === step)?.sent ?? 0;
  const targets = branchTargets(sequence);
  const line = sequence.steps.filter((s) => !targets.has(s.key)).map((s) => ({ step: s.key as string, sent: sent(s.key) }));
  const asking = sequence.steps.find((s) => s.branches);
  if (!asking?.branches) return { line };
  const { answers, unanswered } = asking.branches;
  const paths: { label: string; readers: number; step: string; sent: number }[] = (["worse", "same", "better"] as const).map((answer) => ({
    label: ANSWER_LABELS[answer],
    readers: stats.checkIn[answer],
    step: answers[answer] as string,
    sent: sent(answers[answer]),
  }));
  paths.push({ label: "No answer", readers: stats.checkIn.unanswered, step: unanswered, sent: sent(unanswered) });
  return { line, question: { step: asking.key, asked: stats.checkIn.asked, paths } };
}
