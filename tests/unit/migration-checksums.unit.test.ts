import { describe, expect, it } from "vitest";
import {
  CHECKSUMS_FILE,
  checksumLine,
  migrationChecksums,
  parseChecksums,
  readChecksums,
} from "../../src/db/migration-checksums.js";

const A = "a".repeat(64);
const B = "b".repeat(64);

/**
 * What is wrong between the list and the files, one message a migration, each saying what to do.
 * Empty: every migration is listed and unchanged.
 */
function checksumProblems(listed: Map<string, string>, actual: Map<string, string>): string[] {
  const problems: string[] = [];
  for (const [file, sum] of actual) {
    const was = listed.get(file);
    if (was === undefined) {
      problems.push(
        `drizzle/${file} is a new migration, not yet in drizzle/${CHECKSUMS_FILE}. Add its line: ` +
          `npm run --silent db:checksum >> drizzle/${CHECKSUMS_FILE}  (prints "${sum}  ${file}")`,
      );
    } else if (was !== sum) {
      problems.push(
        `drizzle/${file} changed after it was listed (sha256 ${sum}, listed ${was}). A migration never changes once on ` +
          `main: a database that ran the first version keeps it. Restore it (git checkout main -- drizzle/${file}) ` +
          `and write the change as a new migration (npm run db:generate). Only if this migration has never reached main, ` +
          `replace its line with: npm run --silent db:checksum -- ${file}`,
      );
    }
  }
  for (const file of listed.keys()) {
    if (!actual.has(file)) {
      problems.push(
        `drizzle/${file} is listed in drizzle/${CHECKSUMS_FILE} but missing. A migration on main is never removed or ` +
          "renamed: databases have run it under this name.",
      );
    }
  }
  return problems;
}

describe("migration checksums (a migration never changes once on main)", () => {
  it("drizzle/checksums.txt lists every migration in drizzle/, unchanged", async () => {
    const problems = checksumProblems(await readChecksums(), await migrationChecksums());
    // Each message says what to do: add a new migration's line, or write a new migration.
    expect(problems, problems.join("\n\n")).toEqual([]);
  });

  it("covers the migrations released before the list existed", async () => {
    const listed = [...(await readChecksums()).keys()];
    expect(listed.slice(0, 8)).toEqual([
      "0000_init.sql",
      "0001_pending.sql",
      "0002_batches.sql",
      "0003_perf.sql",
      "0004_one_pipeline.sql",
      "0005_hardening.sql",
      "0006_outgoing_webhooks.sql",
      "0007_webhook_event_batches.sql",
    ]);
  });

  it("a line is what sha256sum prints", () => {
    // sha256 of the empty string, the well-known value.
    expect(checksumLine("0009_x.sql", "")).toBe("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855  0009_x.sql");
    expect(parseChecksums(`${checksumLine("0009_x.sql", "")}\n\n`)).toEqual(
      new Map([["0009_x.sql", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"]]),
    );
  });

  it("a new migration not in the list fails, telling how to add its line", () => {
    const [problem, ...rest] = checksumProblems(new Map([["0000_init.sql", A]]), new Map([["0000_init.sql", A], ["0008_next.sql", B]]));
    expect(rest).toEqual([]);
    expect(problem).toContain("drizzle/0008_next.sql is a new migration, not yet in drizzle/checksums.txt");
    expect(problem).toContain("npm run --silent db:checksum >> drizzle/checksums.txt");
    expect(problem).toContain(`${B}  0008_next.sql`);
  });

  it("an edited migration fails, telling to write a new migration instead", () => {
    const [problem, ...rest] = checksumProblems(new Map([["0006_hooks.sql", A]]), new Map([["0006_hooks.sql", B]]));
    expect(rest).toEqual([]);
    expect(problem).toContain("drizzle/0006_hooks.sql changed after it was listed");
    expect(problem).toContain("write the change as a new migration");
  });

  it("a listed migration that is gone fails", () => {
    expect(checksumProblems(new Map([["0005_x.sql", A]]), new Map())).toEqual([
      expect.stringContaining("drizzle/0005_x.sql is listed in drizzle/checksums.txt but missing"),
    ]);
  });

  it("a malformed line is refused, naming it", () => {
    // sha256sum's binary-mode marker is accepted too.
    expect(parseChecksums(`${A} *0000_init.sql\n`)).toEqual(new Map([["0000_init.sql", A]]));
    expect(() => parseChecksums(`${A}  0000_init.sql\nabc  0001_x.sql\n`)).toThrow(/line 2 is not/);
  });
});
