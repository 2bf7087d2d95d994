import { readFile } from "node:fs/promises";
import path from "node:path";
import { checksumLine, migrationChecksums, MIGRATIONS_DIR, readChecksums } from "./migration-checksums.js";

/**
 * `npm run --silent db:checksum`: the drizzle/checksums.txt lines of the migrations not listed
 * yet (append them: `>> drizzle/checksums.txt`). With file names (`-- 0008_x.sql`): those
 * files' lines, listed or not. See src/db/migration-checksums.ts.
 */
const files = process.argv.slice(2).map((f) => path.basename(f));
if (files.length > 0) {
  for (const file of files) console.log(checksumLine(file, await readFile(path.join(MIGRATIONS_DIR, file))));
} else {
  const listed = await readChecksums();
  for (const [file, sum] of await migrationChecksums()) if (!listed.has(file)) console.log(`${sum}  ${file}`);
}
