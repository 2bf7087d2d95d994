import { mkdtemp, mkdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { cruise, type ICruiseOptions, type ICruiseResult, type IViolation } from "dependency-cruiser";
import extractDepcruiseOptions from "dependency-cruiser/config-utl/extract-depcruise-options";
import extractTSConfig from "dependency-cruiser/config-utl/extract-ts-config";
import { describe, expect, it } from "vitest";

/**
 * The rules of .dependency-cruiser.cjs (the layers, no cycles) over the code, in `npm test`
 * (issue 28: three folder cycles had grown unnoticed). The layer table is in that file.
 */
const ROOT = path.resolve(import.meta.dirname, "../..");
const SOURCES = ["main.ts", "src", "workers", "emails"];

async function check(sources: string[], options: ICruiseOptions, tsConfig?: object): Promise<ICruiseResult> {
  const reported = await cruise(sources, options, {}, tsConfig ? { tsConfig } : {});
  return reported.output as ICruiseResult;
}

function describeViolation(v: IViolation): string {
  const via = v.cycle ? `\n    cycle: ${[v.from, ...v.cycle.map((step) => step.name)].join(" → ")}` : "";
  return `${v.rule.name}: ${v.from} → ${v.to}${via}`;
}

describe("dependencies point one way (.dependency-cruiser.cjs)", () => {
  it("the code keeps the layers, and no module imports itself round a cycle", { timeout: 60_000 }, async () => {
    const options = await extractDepcruiseOptions(path.join(ROOT, ".dependency-cruiser.cjs"));
    // Paths, and so the rules' patterns, are relative to baseDir.
    const result = await check(SOURCES, { ...options, baseDir: ROOT }, extractTSConfig(path.join(ROOT, "tsconfig.json")));
    const violations = result.summary.violations.map(describeViolation);
    expect(violations, `Move the import's target down, or inject it (see the table in .dependency-cruiser.cjs):\n${violations.join("\n")}`).toEqual([]);
    // A cruise that resolved nothing would pass vacuously: the graph must be the real one, type
    // imports included (src/queue/jobs.ts reads only a type of src/db).
    const jobs = result.modules.find((m) => m.source === "src/queue/jobs.ts");
    expect(jobs?.dependencies.map((d) => d.resolved)).toContain("src/db/schema/deliveries.ts");
    expect(result.summary.totalCruised).toBeGreaterThan(150);
  });

  it("an upward import and a cycle are refused, naming the files", { timeout: 60_000 }, async () => {
    // A tiny tree laid out like ours: src/db reading src/campaign, which reads src/db back.
    const dir = await mkdtemp(path.join(tmpdir(), "dependency-rules-"));
    try {
      await mkdir(path.join(dir, "src/db"), { recursive: true });
      await mkdir(path.join(dir, "src/campaign"), { recursive: true });
      await writeFile(path.join(dir, "src/db/rows.ts"), 'import { LINKS } from "../campaign/links";\nexport const ROWS = LINKS;\n');
      await writeFile(path.join(dir, "src/campaign/links.ts"), 'import type { ROWS } from "../db/rows";\nexport const LINKS = 1;\nexport type R = typeof ROWS;\n');
      const options = await extractDepcruiseOptions(path.join(ROOT, ".dependency-cruiser.cjs"));
      delete options.tsConfig;
      const result = await check(["src"], { ...options, baseDir: dir });
      // The cycle is reported once, from whichever end dependency-cruiser meets first.
      expect(result.summary.violations.map(describeViolation).sort()).toEqual([
        "layer-1:src/db: src/db/rows.ts → src/campaign/links.ts",
        "no-circular: src/campaign/links.ts → src/db/rows.ts\n    cycle: src/campaign/links.ts → src/db/rows.ts → src/campaign/links.ts",
      ]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
