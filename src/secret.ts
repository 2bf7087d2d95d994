import { randomBytes } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";

/**
 * A random value made once and kept in DATA_DIR (mode 0600), read back on every later start.
 * Only ever used outside production, where the real value comes from the environment.
 */
async function keptSecret(dataDir: string, name: string, make: () => string, minLength: number): Promise<string> {
  const file = path.resolve(dataDir, name);
  try {
    const existing = (await readFile(file, "utf8")).trim();
    if (existing.length >= minLength) return existing;
  } catch {
    // First run.
  }
  const value = make();
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, `${value}\n`, { mode: 0o600 });
  return value;
}

/** APP_SECRET unset outside production: a random one kept in DATA_DIR, so sent links outlive restarts. */
export function developmentSecret(dataDir: string): Promise<string> {
  return keptSecret(dataDir, "app-secret", () => randomBytes(32).toString("hex"), 32);
}

/**
 * Outside production ADMIN_TOKEN may be unset: a development token is kept beside the secret, so
 * a newcomer's admin opens without configuring anything (issue 18) and a browser session
 * survives a restart. base64url only: a valid RFC 6750 bearer token, like the one config.ts asks for.
 */
export const DEVELOPMENT_ADMIN_TOKEN_FILE = "admin-token";

export function developmentAdminToken(dataDir: string): Promise<string> {
  return keptSecret(dataDir, DEVELOPMENT_ADMIN_TOKEN_FILE, () => randomBytes(24).toString("base64url"), 16);
}
