import { writeFile } from "node:fs/promises";
import path from "node:path";
import type { Reporter, TestModule } from "vitest/node";

/**
 * Where a run's time goes (docs/testing.md "How long it takes"): per project, and the slowest
 * files, as Markdown tables written to DURATIONS_FILE (default test-durations.md). Add it beside
 * the default reporter:
 *   npx vitest run --reporter=default --reporter=./tests/support/durations-reporter.ts
 * A file's time is its import (collect) plus its tests and hooks — its worker's busy time — less
 * what it waited for its PostgreSQL connection slots (tests/support/connection-slots.ts), shown
 * apart. Files run side by side, so the sums add up to more than the wall clock.
 */
export default class DurationsReporter implements Reporter {
  private startedAt = Date.now();

  onTestRunStart() {
    this.startedAt = Date.now();
  }

  async onTestRunEnd(modules: ReadonlyArray<TestModule>) {
    const wallSeconds = (Date.now() - this.startedAt) / 1000;
    const files = modules.map((m) => {
      const d = m.diagnostic();
      const waited = (m.meta().slotWaitMs ?? 0) / 1000;
      return {
        project: m.project.name,
        file: path.relative(process.cwd(), m.moduleId),
        seconds: (d.collectDuration + d.setupDuration + d.duration) / 1000 - waited,
        waited,
        tests: [...m.children.allTests()].length,
        ok: m.state() === "passed",
      };
    });
    const projects = [...new Set(files.map((f) => f.project))].map((project) => {
      const mine = files.filter((f) => f.project === project);
      const sum = (of: (f: (typeof mine)[number]) => number) => mine.reduce((s, f) => s + of(f), 0);
      return { project, files: mine.length, tests: sum((f) => f.tests), seconds: sum((f) => f.seconds), waited: sum((f) => f.waited) };
    });
    const total = projects.reduce((s, p) => s + p.seconds, 0);
    const slowest = [...files].sort((a, b) => b.seconds - a.seconds).slice(0, 15);
    const lines = [
      `Wall clock: ${fmt(wallSeconds)} s (${(wallSeconds / 60).toFixed(1)} min); files: ${files.length}, failed: ${files.filter((f) => !f.ok).length}.`,
      "",
      "| project | files | tests | file time (s) | share | waited for slots (s) |",
      "|---|---:|---:|---:|---:|---:|",
      ...projects.map((p) => `| ${p.project} | ${p.files} | ${p.tests} | ${fmt(p.seconds)} | ${Math.round((100 * p.seconds) / total)} % | ${fmt(p.waited)} |`),
      `| all | ${files.length} | ${projects.reduce((n, p) => n + p.tests, 0)} | ${fmt(total)} | 100 % | ${fmt(projects.reduce((s, p) => s + p.waited, 0))} |`,
      "",
      "| # | file | project | tests | time (s) | waited (s) |",
      "|---:|---|---|---:|---:|---:|",
      ...slowest.map((f, i) => `| ${i + 1} | ${f.file} | ${f.project} | ${f.tests} | ${fmt(f.seconds)}${f.ok ? "" : " (failed)"} | ${fmt(f.waited)} |`),
      "",
    ];
    const out = process.env.DURATIONS_FILE ?? "test-durations.md";
    await writeFile(out, lines.join("\n"));
    console.log(`Durations written to ${out}`);
  }
}

function fmt(seconds: number): string {
  return seconds.toFixed(1);
}
