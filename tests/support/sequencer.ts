import path from "node:path";
import { BaseSequencer, type TestSpecification } from "vitest/node";

/**
 * The order files start in: the longest first (as the last run recorded them), across the
 * projects. Vitest's own order runs one project's files after the other's; here the `redis` and
 * `postgres` files interleave, so the files in flight mix the two backends' connection needs
 * (tests/support/connection-budget.ts) and the short files fill the end of the run. Files the
 * cache does not know go first, larger first (as vitest does).
 */
export default class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const { cache, config } = this.ctx;
    const key = (spec: TestSpecification) => `${spec.project.name}:${path.relative(config.root, spec.moduleId)}`;
    const known = (spec: TestSpecification) => cache.getFileTestResults(key(spec))?.duration;
    const size = (spec: TestSpecification) => cache.getFileStats(key(spec))?.size ?? 0;
    return [...files].sort((a, b) => {
      const [da, db] = [known(a), known(b)];
      if (da === undefined || db === undefined) {
        if (da !== db) return da === undefined ? -1 : 1;
        return size(b) - size(a);
      }
      return db - da;
    });
  }
}
