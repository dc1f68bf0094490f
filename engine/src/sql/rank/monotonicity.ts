import { children, type Expr } from "../ast.js";

/**
 * How a column of an updating result can change, as Flink's FlinkRelMdModifiedMonotonicity tells
 * it: a value never updated (`constant`: a GROUP BY key), one that only goes up or only down
 * (`increasing`: a COUNT or MAX over an append-only input; `decreasing`: a MIN), or undefined
 * (either way). A plan that does not say has every column undefined, which is always safe: it only
 * keeps Top-N from Flink's UpdatableTopN.
 */
export type Monotonicity = "constant" | "increasing" | "decreasing" | undefined;

const stripCast = (e: Expr): Expr => (e.kind === "cast" ? stripCast(e.arg) : e);

/**
 * Whether a filter over an updating result reads only key columns (`isKey`). Only then does Flink's
 * Calc pass its input's update-afters on alone (FlinkChangelogModeInferenceProgram: a condition on
 * another column, `cnt < 10` after an aggregate, could turn an update into a deletion, FLINK-9528),
 * so only then can a Top-N above it take UpdateFastStrategy.
 */
export function readsOnlyKeys(condition: Expr, isKey: (e: Expr) => boolean): boolean {
  if (isKey(condition)) return true;
  if (condition.kind === "column" || (condition.kind === "call" && AGGREGATES.includes(condition.name))) return false;
  return children(condition).every((c) => readsOnlyKeys(c, isKey));
}

const AGGREGATES = ["COUNT", "SUM", "MIN", "MAX", "AVG"];

/**
 * A GROUP BY item's monotonicity over an append-only input (Flink's getMonotonicityOnAggCall, through
 * a projection of the aggregate alone or a CAST of it): the group keys constant, COUNT and MAX
 * increasing, MIN decreasing, SUM increasing when its argument is never negative (`SUM(x) … WHERE
 * x >= 0`, or a constant that is not), decreasing when never positive; anything else not monotonic.
 */
export function aggregateItemMonotonicity(item: Expr, isGroupKey: (e: Expr) => boolean, where: Expr | undefined): Monotonicity {
  if (isGroupKey(item)) return "constant";
  const e = stripCast(item);
  if (e.kind !== "call" || e.over) return undefined;
  if (e.name === "COUNT") return "increasing";
  if (e.name === "MAX") return "increasing";
  if (e.name === "MIN") return "decreasing";
  if (e.name !== "SUM" || e.filter) return undefined;
  const arg = e.args[0];
  const bound = arg ? lowerOrUpper(arg, where) : undefined;
  return bound === undefined ? undefined : bound.lower !== undefined ? (bound.lower >= 0 ? "increasing" : undefined) : bound.upper !== undefined && bound.upper <= 0 ? "decreasing" : undefined;
}

/** What the WHERE conjuncts (or the value itself, a literal) say of `arg`'s range: a lower bound first, as Flink's interval match. */
function lowerOrUpper(arg: Expr, where: Expr | undefined): { lower?: number; upper?: number } | undefined {
  if (arg.kind === "literal" && typeof arg.value === "number") return { lower: arg.value, upper: arg.value };
  if (arg.kind !== "column") return undefined;
  let lower: number | undefined;
  let upper: number | undefined;
  const same = (x: Expr): boolean => x.kind === "column" && x.name.toLowerCase() === arg.name.toLowerCase();
  const num = (x: Expr): number | undefined => (x.kind === "literal" && typeof x.value === "number" ? x.value : undefined);
  const visit = (c: Expr): void => {
    if (c.kind !== "binary") return;
    if (c.op === "AND") {
      visit(c.left);
      visit(c.right);
      return;
    }
    const [op, n] = same(c.left) ? [c.op, num(c.right)] : same(c.right) ? [({ "<": ">", "<=": ">=", ">": "<", ">=": "<=" } as Record<string, string>)[c.op], num(c.left)] : [];
    if (n === undefined) return;
    if (op === ">" || op === ">=") lower = Math.max(lower ?? n, n);
    if (op === "<" || op === "<=") upper = Math.min(upper ?? n, n);
  };
  if (where) visit(where);
  if (lower === undefined && upper === undefined) return undefined;
  return lower !== undefined ? { lower } : { upper: upper as number };
}

/**
 * Flink's RankProcessStrategy.analyzeRankProcessStrategies for an updating input: UpdateFast (Flink's
 * UpdatableTopNFunction) when the input has a unique key holding every partition column and each
 * ORDER BY column moves only towards the front (increasing DESC, decreasing ASC) or not at all.
 * Undefined: the retract strategy. `columnOf` resolves an expression to an input column index.
 */
export function updateFastKey(
  uniqueKey: number[] | undefined,
  monotonicity: readonly Monotonicity[] | undefined,
  partitionBy: readonly Expr[],
  orderBy: readonly { expr: Expr; desc: boolean }[],
  columnOf: (e: Expr) => number | undefined,
): number[] | undefined {
  if (!uniqueKey || !monotonicity || orderBy.length === 0) return undefined;
  if (!partitionBy.every((e) => uniqueKey.includes(columnOf(e) ?? -1))) return undefined;
  const moves = orderBy.every(({ expr, desc }) => {
    const i = columnOf(expr);
    const m = i === undefined ? undefined : monotonicity[i];
    return m === "constant" || (desc ? m === "increasing" : m === "decreasing");
  });
  return moves ? uniqueKey : undefined;
}

/** The monotonicity of a SELECT's items over an updating input: a column as itself (or CAST), anything else not monotonic. */
export function projectMonotonicity(items: readonly Expr[], columnMonotonicity: (e: Expr) => Monotonicity | "none"): Monotonicity[] {
  return items.map((e) => {
    const m = columnMonotonicity(stripCast(e));
    return m === "none" ? undefined : m;
  });
}

/** The input column `e` names (one match in `scope`), if it is a plain column reference. */
export function scopeColumn(scope: readonly { name: string; table?: string; index: number }[], e: Expr): number | undefined {
  if (e.kind !== "column") return undefined;
  const matches = scope.filter((c) => c.name.toLowerCase() === e.name.toLowerCase() && (e.table === undefined || c.table?.toLowerCase() === e.table.toLowerCase()));
  return matches.length === 1 ? matches[0]?.index : undefined;
}

/** An input column's monotonicity by reference, "none" for an expression that is not a column. */
export function columnMonotonicity(scope: readonly { name: string; table?: string; index: number }[], monotonicity: readonly Monotonicity[]): (e: Expr) => Monotonicity | "none" {
  return (e) => {
    const i = scopeColumn(scope, e);
    return i === undefined ? "none" : monotonicity[i];
  };
}
