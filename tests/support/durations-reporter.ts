import { writeFile } from "node:fs/promises";
import path from "node:path";
import type { Reporter, TestModule } from "vitest/node";

/**
 * Where a run's time goes (docs/testing.md "How long it takes"): per project, and the slowest
 * files, as Markdown tables written to DURATIONS_FILE (default test-durations.md). Add it beside
 * the default reporter:
 *   npx vitest run --reporter=default --reporter=./tests/support/durations-reporter.ts
 * A file's time is its import (collect) plus its tests and hooks — its worker's busy time; the
 * projects run interleaved on the same workers, so their sums add up to more than the wall clock.
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
      return {
        project: m.project.name,
        file: path.relative(process.cwd(), m.moduleId),
        seconds: (d.collectDuration + d.setupDuration + d.duration) / 1000,
        tests: [...m.children.allTests()].length,
        ok: m.state() === "passed",
      };
    });
    const projects = [...new Set(files.map((f) => f.project))].map((project) => {
      const mine = files.filter((f) => f.project === project);
      return { project, files: mine.length, tests: mine.reduce((n, f) => n + f.tests, 0), seconds: mine.reduce((s, f) => s + f.seconds, 0) };
    });
    const total = projects.reduce((s, p) => s + p.seconds, 0);
    const slowest = [...files].sort((a, b) => b.seconds - a.seconds).slice(0, 15);
    const lines = [
      `Wall clock: ${fmt(wallSeconds)} s (${(wallSeconds / 60).toFixed(1)} min); files: ${files.length}, failed: ${files.filter((f) => !f.ok).length}.`,
      "",
      "| project | files | tests | file time (s) | share |",
      "|---|---:|---:|---:|---:|",
      ...projects.map((p) => `| ${p.project} | ${p.files} | ${p.tests} | ${fmt(p.seconds)} | ${Math.round((100 * p.seconds) / total)} % |`),
      `| all | ${files.length} | ${projects.reduce((n, p) => n + p.tests, 0)} | ${fmt(total)} | 100 % |`,
      "",
      "| # | file | project | tests | time (s) |",
      "|---:|---|---|---:|---:|",
      ...slowest.map((f, i) => `| ${i + 1} | ${f.file} | ${f.project} | ${f.tests} | ${fmt(f.seconds)}${f.ok ? "" : " (failed)"} |`),
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
