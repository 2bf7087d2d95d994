import { createHash } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";

/**
 * A migration never changes once on main: a database that ran it keeps the first version (0007's
 * `webhook_expand(int)` would outlive code calling `(int, int)`); checksums.txt guards (docs/testing.md).
 */
export const MIGRATIONS_DIR = fileURLToPath(new URL("../../drizzle", import.meta.url));
export const CHECKSUMS_FILE = "checksums.txt";

const MIGRATION_FILE = /^\d{4}_[\w-]+\.sql$/;
const LISTED_LINE = /^([0-9a-f]{64}) [ *](.+)$/;

/** A migration's line in checksums.txt: what `sha256sum <file>` prints, run in drizzle/. */
export function checksumLine(file: string, content: Buffer | string): string {
  return `${createHash("sha256").update(content).digest("hex")}  ${file}`;
}

/** Each migration file in `dir` (NNNN_name.sql) with its checksum, in file-name order. */
export async function migrationChecksums(dir = MIGRATIONS_DIR): Promise<Map<string, string>> {
  const files = (await readdir(dir)).filter((f) => MIGRATION_FILE.test(f)).sort();
  const sums = new Map<string, string>();
  for (const file of files) sums.set(file, checksumLine(file, await readFile(path.join(dir, file))).slice(0, 64));
  return sums;
}

/** checksums.txt read: file name → checksum. Blank lines and `#` comments are ignored. */
export function parseChecksums(text: string): Map<string, string> {
  const listed = new Map<string, string>();
  for (const [index, raw] of text.split("\n").entries()) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const match = LISTED_LINE.exec(line);
    if (!match) throw new Error(`drizzle/${CHECKSUMS_FILE} line ${index + 1} is not "<sha256>  <file>": ${line}`);
    listed.set(match[2]!, match[1]!);
  }
  return listed;
}

export async function readChecksums(dir = MIGRATIONS_DIR): Promise<Map<string, string>> {
  return parseChecksums(await readFile(path.join(dir, CHECKSUMS_FILE), "utf8"));
}
