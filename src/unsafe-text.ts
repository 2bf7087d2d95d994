/**
 * Text PostgreSQL cannot store: a NUL (U+0000, refused in `text` and `jsonb`) and a lone UTF-16
 * surrogate (JSON's "\ud800" parses to one; `jsonb` refuses it, and it is no character anyway).
 * Issue 30: either in a query or body gave a 500. Pure: shared by http/text-input, feedback/ingest.
 */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

export type TextProblem = "a NUL character" | "a lone UTF-16 surrogate" | "nesting this deep";

export function textProblem(text: string): TextProblem | undefined {
  if (text.includes("\u0000")) return "a NUL character";
  if (LONE_SURROGATE.test(text)) return "a lone UTF-16 surrogate";
  return undefined;
}

export interface UnsafeText {
  /** Keys from the top of the value to the string (or the object) at fault. */
  path: (string | number)[];
  problem: TextProblem;
}

interface Visit {
  value: unknown;
  key: string | number | undefined;
  parent: Visit | undefined;
  depth: number;
}

function pathOf(visit: Visit): (string | number)[] {
  const path: (string | number)[] = [];
  for (let v: Visit | undefined = visit; v?.key !== undefined; v = v.parent) path.push(v.key);
  return path.reverse();
}

/**
 * The first string or key in a parsed JSON value (or a form's fields) holding unsafe text, or an
 * object nested deeper than `maxDepth`. Iterative: a body nested thousands deep costs no stack.
 */
export function findUnsafeText(value: unknown, maxDepth = Infinity): UnsafeText | undefined {
  const stack: Visit[] = [{ value, key: undefined, parent: undefined, depth: 0 }];
  while (stack.length > 0) {
    const visit = stack.pop()!;
    const v = visit.value;
    if (typeof v === "string") {
      const problem = textProblem(v);
      if (problem) return { path: pathOf(visit), problem };
    } else if (v !== null && typeof v === "object") {
      if (visit.depth >= maxDepth) return { path: pathOf(visit), problem: "nesting this deep" };
      const entries: [string | number, unknown][] = Array.isArray(v) ? v.map((item, i) => [i, item]) : Object.entries(v);
      for (const [key, item] of entries) {
        const here: Visit = { value: item, key, parent: visit, depth: visit.depth + 1 };
        const keyProblem = typeof key === "string" ? textProblem(key) : undefined;
        if (keyProblem) return { path: pathOf(here), problem: keyProblem };
        stack.push(here);
      }
    }
  }
  return undefined;
}

/** Where a problem is, as one readable field name: "data.click.link", "events.2". */
export function fieldPath(path: readonly (string | number)[]): string {
  return path.map((key) => String(key).replace(/[\u0000-\u001f\ud800-\udfff]/g, "\ufffd")).join(".");
}
