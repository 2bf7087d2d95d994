import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/**
 * The text a reader's PDF viewer would show, extracted by poppler's pdftotext (Debian package
 * poppler-utils, installed by .ci/run). Whitespace is collapsed so wrapped lines still match.
 * With `page`, that page alone (1-based).
 */
export async function pdfText(bytes: Uint8Array, page?: number): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), "fur-pdf-"));
  try {
    const file = path.join(dir, "guide.pdf");
    await writeFile(file, bytes);
    const only = page === undefined ? [] : ["-f", String(page), "-l", String(page)];
    const { stdout } = await run("pdftotext", ["-enc", "UTF-8", ...only, file, "-"]);
    return normalise(stdout);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** How many pages the PDF has (poppler's pdfinfo). */
export async function pdfPages(bytes: Uint8Array): Promise<number> {
  const dir = await mkdtemp(path.join(tmpdir(), "fur-pdf-"));
  try {
    const file = path.join(dir, "guide.pdf");
    await writeFile(file, bytes);
    const { stdout } = await run("pdfinfo", [file]);
    return Number(/^Pages:\s+(\d+)/m.exec(stdout)?.[1] ?? 0);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export function normalise(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}
