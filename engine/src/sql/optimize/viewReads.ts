import type { Query } from "../ast.js";

type ViewLookup = (name: string) => Query | undefined;

/**
 * Counts into `reads` how often the planner will read each view (by lower-cased name) planning
 * `queries`: every `TABLE`/`FROM` reference to it, anywhere in the tree (subqueries in expressions
 * too). A view's own body is counted once, at its first reference, as the planner plans it once and
 * shares the result (Flink's sub-plan reuse). A reference mergeProjections.ts later inlines is still
 * counted: an overcount only keeps a Calc from fusing a reader's stage, never makes a second Calc.
 */
export function countViewReads(queries: readonly Query[], view: ViewLookup, reads: Map<string, number>): void {
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const n of node) walk(n);
      return;
    }
    if (typeof node !== "object" || node === null) return;
    const item = node as { kind?: unknown; name?: unknown };
    if (item.kind === "table" && typeof item.name === "string") {
      const body = view(item.name);
      if (body) {
        const key = item.name.toLowerCase();
        const seen = reads.get(key) ?? 0;
        reads.set(key, seen + 1);
        if (seen === 0) walk(body);
      }
    }
    for (const value of Object.values(node)) walk(value);
  };
  walk(queries);
}
