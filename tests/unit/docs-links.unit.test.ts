import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

/**
 * The README and docs/ (issue 29): every relative link and image resolves — a file that exists,
 * and for a link into a Markdown file with `#anchor`, a heading whose GitHub slug is that
 * anchor — the README stays short, and its configuration table names every variable
 * src/config.ts reads. Files are only read: the unit project does no other I/O.
 */

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const README_MAX_LINES = 250;

/** README.md and every .md under docs/, as paths relative to the repository root. */
function documentationFiles(): string[] {
  const docs = readdirSync(join(ROOT, "docs"), { recursive: true, encoding: "utf8" })
    .filter((p) => p.endsWith(".md"))
    .map((p) => join("docs", p));
  return ["README.md", ...docs.sort()];
}

/** The lines outside fenced code blocks: as written, and with inline code spans blanked out. */
function proseLines(markdown: string): { raw: string; text: string; line: number }[] {
  const out: { raw: string; text: string; line: number }[] = [];
  let fence: string | undefined;
  markdown.split("\n").forEach((text, i) => {
    const marker = /^\s{0,3}(`{3,}|~{3,})/.exec(text)?.[1];
    if (marker && (fence === undefined || marker.startsWith(fence))) {
      fence = fence === undefined ? marker : undefined;
      return;
    }
    if (fence === undefined) out.push({ raw: text, text: text.replace(/(`+)[^`]*?\1/g, ""), line: i + 1 });
  });
  return out;
}

/** Every link or image target: `[text](target)`, `![alt](target)`, `<img src>`, `<a href>`. */
function linkTargets(markdown: string): { target: string; line: number }[] {
  const found: { target: string; line: number }[] = [];
  for (const { text, line } of proseLines(markdown)) {
    for (const m of text.matchAll(/\]\(\s*<?([^()\s<>]+)>?(?:\s+(?:"[^"]*"|'[^']*'))?\s*\)/g)) found.push({ target: m[1]!, line });
    for (const m of text.matchAll(/<(?:img|a)\s[^>]*?(?:src|href)="([^"]+)"/g)) found.push({ target: m[1]!, line });
  }
  return found;
}

/** GitHub's anchor for a heading (github-slugger): lower case, punctuation dropped, spaces → `-`. */
function githubSlug(heading: string): string {
  return heading
    .replace(/<[^>]+>/g, "")
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, "$1")
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc}\- ]/gu, "")
    .replace(/ /g, "-");
}

/** The anchors of a Markdown file's headings; a repeated slug gets `-1`, `-2`, … as on GitHub. */
function headingAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const { raw } of proseLines(markdown)) {
    // Read as written: `code` in a heading is part of its slug.
    const heading = /^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$/.exec(raw)?.[1];
    if (heading === undefined) continue;
    const slug = githubSlug(heading);
    const n = seen.get(slug) ?? 0;
    seen.set(slug, n + 1);
    anchors.add(n === 0 ? slug : `${slug}-${n}`);
  }
  return anchors;
}

interface Files {
  exists(path: string): boolean;
  read(path: string): string;
}

/** What is wrong with the relative links of `file` (a path from the root), one message each. */
function brokenLinks(file: string, markdown: string, files: Files): string[] {
  const problems: string[] = [];
  for (const { target, line } of linkTargets(markdown)) {
    if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith("//")) continue; // https:, mailto:, …
    const hash = target.indexOf("#");
    const pathPart = decodeURIComponent(hash === -1 ? target : target.slice(0, hash));
    const anchor = hash === -1 ? undefined : decodeURIComponent(target.slice(hash + 1));
    const where = `${file}:${line} → ${target}`;
    const resolved =
      pathPart === "" ? file : relative(ROOT, resolve(ROOT, pathPart.startsWith("/") ? pathPart.slice(1) : join(dirname(file), pathPart)));
    if (resolved.startsWith("..") || !files.exists(resolved)) {
      problems.push(`${where}: no file ${resolved}`);
      continue;
    }
    if (anchor !== undefined && anchor !== "" && resolved.endsWith(".md") && !headingAnchors(files.read(resolved)).has(anchor)) {
      problems.push(`${where}: ${resolved} has no heading #${anchor}`);
    }
  }
  return problems;
}

const disk: Files = {
  exists: (path) => existsSync(join(ROOT, path)),
  read: (path) => readFileSync(join(ROOT, path), "utf8"),
};

/** The variables src/config.ts reads: the keys of its zod schema of the environment. */
function configVariables(): string[] {
  const source = disk.read("src/config.ts");
  const start = source.indexOf("const schema = z.object({");
  const end = source.indexOf("\n});", start);
  return [...source.slice(start, end).matchAll(/^ {2}([A-Z][A-Z0-9_]*):/gm)].map((m) => m[1]!);
}

/** The variables named in the first column of README.md's "## Configuration" table. */
function readmeConfigurationRows(readme: string): string[] {
  const start = readme.indexOf("\n## Configuration\n");
  const end = readme.indexOf("\n## ", start + 1);
  const section = readme.slice(start, end === -1 ? undefined : end);
  return [...section.matchAll(/^\|\s*`([A-Z][A-Z0-9_]*)`\s*\|/gm)].map((m) => m[1]!);
}

describe("the checker itself", () => {
  const sample: Record<string, string> = {
    "README.md": "# Title\n\n## The `npm test` run (twice)\n\n## Two\n\n## Two\n",
    "docs/a.md": "# A doc\n\n## Signals: what counts as a person\n",
    "docs/pic.png": "",
  };
  const files: Files = { exists: (p) => p in sample, read: (p) => sample[p]! };
  const check = (file: string, markdown: string) => brokenLinks(file, markdown, files);

  it("finds links, images and HTML images, not code", () => {
    const md = "[a](docs/a.md) ![p](docs/pic.png)\n<img src=\"docs/pic.png\" width=\"420\">\n`[x](nowhere.md)`\n```\n[y](nowhere.md)\n```\n";
    expect(linkTargets(md).map((l) => l.target)).toEqual(["docs/a.md", "docs/pic.png", "docs/pic.png"]);
  });

  it("makes GitHub's slugs", () => {
    expect(githubSlug("Signals: what counts as a person")).toBe("signals-what-counts-as-a-person");
    expect(githubSlug("Double opt-in (`DOUBLE_OPT_IN=true`)")).toBe("double-opt-in-double_opt_intrue");
    expect(githubSlug("The reader's side")).toBe("the-readers-side");
    expect([...headingAnchors(sample["README.md"]!)]).toEqual(["title", "the-npm-test-run-twice", "two", "two-1"]);
  });

  it("passes links that resolve, from the root and from docs/", () => {
    expect(check("README.md", "[a](docs/a.md#signals-what-counts-as-a-person) [b](#two-1) [w](https://x.example/#nope)")).toEqual([]);
    expect(check("docs/a.md", "[r](../README.md#the-npm-test-run-twice) ![p](pic.png) [s](#signals-what-counts-as-a-person)")).toEqual([]);
  });

  it("catches a missing file, a missing heading and a path out of the repository", () => {
    expect(check("README.md", "[gone](docs/gone.md)")).toEqual(["README.md:1 → docs/gone.md: no file docs/gone.md"]);
    expect(check("docs/a.md", "x\n![p](docs/pic.png)")).toEqual(["docs/a.md:2 → docs/pic.png: no file docs/docs/pic.png"]);
    expect(check("README.md", "[s](docs/a.md#signals)")).toEqual(["README.md:1 → docs/a.md#signals: docs/a.md has no heading #signals"]);
    expect(check("docs/a.md", "[t](#two)")).toEqual(["docs/a.md:1 → #two: docs/a.md has no heading #two"]);
    expect(check("README.md", "[up](../outside.md)")).toHaveLength(1);
  });
});

describe("README.md and docs/", () => {
  const readme = disk.read("README.md");

  it.each(documentationFiles())("every relative link in %s resolves", (file) => {
    const problems = brokenLinks(file, disk.read(file), disk);
    expect(problems, problems.join("\n")).toEqual([]);
  });

  it(`README.md has at most ${README_MAX_LINES} lines`, () => {
    const lines = readme.endsWith("\n") ? readme.split("\n").length - 1 : readme.split("\n").length;
    expect(lines).toBeLessThanOrEqual(README_MAX_LINES);
  });

  it("README.md's configuration table has a row for every variable src/config.ts reads, and no other", () => {
    const variables = configVariables();
    expect(variables.length).toBeGreaterThan(40); // the schema was found, not an empty slice
    const rows = readmeConfigurationRows(readme);
    expect(variables.filter((v) => !rows.includes(v)), "variables without a row").toEqual([]);
    expect(rows.filter((v) => !variables.includes(v)), "rows for no variable").toEqual([]);
  });
});
