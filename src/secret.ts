import { randomBytes } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";

/**
 * Outside production APP_SECRET may be unset: a random one is made once and kept in
 * DATA_DIR, so links in emails already sent keep working after a restart.
 */
export async function developmentSecret(dataDir: string): Promise<string> {
  const file = path.resolve(dataDir, "app-secret");
  try {
    const existing = (await readFile(file, "utf8")).trim();
    if (existing.length >= 32) return existing;
  } catch {
    // First run.
  }
  const secret = randomBytes(32).toString("hex");
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, `${secret}\n`, { mode: 0o600 });
  return secret;
}
