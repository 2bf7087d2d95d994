import type postgres from "postgres";
import type { ScheduledDelivery } from "../db/queries/deliveries.js";
import {
  activeEnrollmentIds,
  appliedFingerprint,
  deliveriesOfEnrollment,
  discardUnclaimedDeliveries,
  lockActiveEnrollment,
  lockPendingDeliveries,
  recordFingerprint,
  withSequenceLock,
} from "../db/queries/replan.js";
import { advanceEnrollment, type CampaignDeps } from "./advance.js";
import { planNext, sequenceFingerprint } from "./plan.js";
import { assertValidSequence } from "./sequence.js";
import { enqueueAfterCommit } from "../queue/after-commit.js";
import { latestAnswers } from "../db/queries/sequence-steps.js";

/**
 * Changing the sequence for subscribers already on their way: docs/sequence.md "Changing the
 * sequence" says what happens to each, and why a replaced delivery (never claimed) may be deleted.
 */
export type ReplanDeps = CampaignDeps;

export type ReplanOutcome =
  | { kind: "unchanged" }
  /** A delivery is claimed or being retried: left alone. */
  | { kind: "inFlight" }
  /** The enrollment ended meanwhile (completed, or the subscriber left). */
  | { kind: "ended" }
  | { kind: "rescheduled"; from: string | undefined; delivery: ScheduledDelivery }
  | { kind: "completed"; from: string | undefined };

export interface ReplanReport {
  /** False when the definition was the one already applied (or applied for the first time). */
  changed: boolean;
  enrollments: number;
  rescheduled: number;
  completed: number;
  inFlight: number;
}

/** Re-plans one enrollment in one transaction; the caller enqueues a returned delivery. */
export async function replanEnrollment(deps: ReplanDeps, enrollmentId: number): Promise<ReplanOutcome> {
  return deps.sql.begin((tx) => replanInTransaction(tx, deps, enrollmentId));
}

/**
 * Re-plans one enrollment in the caller's transaction, after the definition changed or the reader
 * answered the check-in (src/campaign/check-in.ts): the waiting step is replaced by what `planNext`
 * says now, unless already claimed (then it goes as is: the latest answer before the claim wins).
 */
export async function replanInTransaction(
  tx: postgres.TransactionSql,
  deps: Pick<ReplanDeps, "sequence" | "schedule">,
  enrollmentId: number,
): Promise<ReplanOutcome> {
  const enrollment = await lockActiveEnrollment(tx, enrollmentId);
  if (!enrollment) return { kind: "ended" };
  if (!(await lockPendingDeliveries(tx, enrollment.id))) return { kind: "inFlight" };
  const rows = await deliveriesOfEnrollment(tx, enrollment.id);
  if (rows.some((r) => r.state === "sending" || (r.state === "scheduled" && r.attempts > 0))) return { kind: "inFlight" };
  const pending = rows.filter((r) => r.state === "scheduled");
  const finished = rows.filter((r) => r.state === "sent" || r.state === "failed");
  const answer = (await latestAnswers(tx, [enrollment.id])).get(enrollment.id);
  const plan = planNext(deps.sequence, finished, enrollment.startedAt, deps.schedule, enrollment.timezone, answer);
  const [current] = pending;
  if (plan && pending.length === 1 && current!.step === plan.step.key && current!.dueAt.getTime() === plan.dueAt.getTime()) {
    return { kind: "unchanged" };
  }
  // The rows are locked and unclaimed: all of them go, or something is wrong — roll back.
  if ((await discardUnclaimedDeliveries(tx, pending.map((r) => r.id))) !== pending.length) {
    throw new Error(`enrollment ${enrollment.id}: a locked delivery could not be replaced`);
  }
  const next = await advanceEnrollment(tx, deps, enrollment, undefined);
  return next ? { kind: "rescheduled", from: current?.step, delivery: next } : { kind: "completed", from: current?.step };
}

const PAGE = 500;

/**
 * Applies the current definition to every active enrollment unless it was the last applied. A
 * database's first run only records it: whatever ran before planned them, nothing to compare with.
 */
export async function applySequence(deps: ReplanDeps): Promise<ReplanReport> {
  assertValidSequence(deps.sequence);
  const { sql, sequence } = deps;
  const fingerprint = sequenceFingerprint(sequence, deps.schedule);
  return withSequenceLock(sql, sequence.key, async () => {
    const report: ReplanReport = { changed: false, enrollments: 0, rescheduled: 0, completed: 0, inFlight: 0 };
    const applied = await appliedFingerprint(sql, sequence.key);
    if (applied === fingerprint) return report;
    if (applied !== undefined) {
      report.changed = true;
      for (let afterId = 0; ; ) {
        const ids = await activeEnrollmentIds(sql, sequence.key, afterId, PAGE);
        if (ids.length === 0) break;
        const created: ScheduledDelivery[] = [];
        for (const id of ids) {
          const outcome = await replanEnrollment(deps, id);
          report.enrollments++;
          if (outcome.kind === "rescheduled") {
            report.rescheduled++;
            created.push(outcome.delivery);
          } else if (outcome.kind === "completed") report.completed++;
          else if (outcome.kind === "inFlight") report.inFlight++;
        }
        await enqueueAfterCommit(deps, created);
        afterId = ids[ids.length - 1]!;
      }
    }
    await recordFingerprint(sql, sequence.key, fingerprint, {
      steps: sequence.steps.map((s) => ({ key: s.key, delayDays: s.delayDays, ignoreWindow: s.ignoreWindow ?? false, branches: s.branches ?? null })),
      schedule: { ...deps.schedule },
    });
    if (report.changed) deps.logger.info({ sequence: sequence.key, ...report }, "sequence changed: active enrollments re-planned");
    return report;
  });
}

/**
 * Applies the definition once per process: at worker start, before the first send, and again on
 * each reconciler pass until it has succeeded (Postgres may be down at start). Only a process
 * that starts re-plans, so an older process still running never re-plans back to its definition.
 */
export class SequencePlanner {
  private done = false;

  constructor(private readonly deps: ReplanDeps) {}

  async ensureApplied(): Promise<ReplanReport | undefined> {
    if (this.done) return undefined;
    const report = await applySequence(this.deps);
    this.done = true;
    return report;
  }
}
