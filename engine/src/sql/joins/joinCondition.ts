import { children, type Expr } from "../ast.js";
import type { ScopeColumn } from "../compiler.js";

/**
 * A join's ON condition split as Flink's planner splits it (JoinInfo + IntervalJoinUtil): equality
 * keys between the two sides, the time bounds of an interval join (left rowtime relative to right
 * rowtime), and what remains, evaluated on the joined row.
 */
export interface JoinCondition {
  /** Pairs of (expression on the left row, expression on the right row) that must be equal. */
  keys: { left: Expr; right: Expr }[];
  /** `leftTime >= rightTime + lower` and `leftTime <= rightTime + upper` (ms), when both bounds are given on rowtime columns. */
  bounds?: { leftTime: number; rightTime: number; lower: number; upper: number };
  /** Conjuncts that are neither: evaluated on the joined row (left columns, then right ones). */
  rest: Expr[];
}

type Side = "left" | "right" | "both" | "none";

/** A conjunct `L op R + c` on the two sides' rowtime columns, normalised to the left side's time. */
interface TimeBound {
  leftTime: number;
  rightTime: number;
  kind: "lower" | "upper";
  offset: number;
}

/**
 * Splits `on` (undefined: a cross join) over the joined scope, whose first `leftWidth` columns are the left
 * input's. `isTime`: the columns time bounds may be on (Flink's: rowtime attributes).
 */
export function analyzeCondition(on: Expr | undefined, scope: ScopeColumn[], leftWidth: number, isTime: (c: ScopeColumn) => boolean = (c) => c.type.rowtime === true): JoinCondition {
  const conjuncts = on ? flattenAnd(on) : [];
  const { resolve, sideOf } = sides(scope, leftWidth);
  const keys: JoinCondition["keys"] = [];
  const rest: Expr[] = [];
  const timeBounds: { bound: TimeBound; expr: Expr }[] = [];
  for (const c of conjuncts) {
    if (c.kind === "binary" && c.op === "=") {
      const [l, r] = [sideOf(c.left), sideOf(c.right)];
      if (l === "left" && r === "right") {
        keys.push({ left: c.left, right: c.right });
        continue;
      }
      if (l === "right" && r === "left") {
        keys.push({ left: c.right, right: c.left });
        continue;
      }
    }
    const bounds = timeBoundsOf(c, resolve, leftWidth, isTime);
    if (bounds) for (const bound of bounds) timeBounds.push({ bound, expr: c });
    else rest.push(c);
  }
  // An interval join needs a lower and an upper bound on the same pair of rowtime columns (Flink's
  // IntervalJoinUtil); otherwise its time predicates are ordinary ones of a regular join.
  const lower = timeBounds.filter((t) => t.bound.kind === "lower");
  const upper = timeBounds.filter((t) => t.bound.kind === "upper");
  const pair = lower.find((l) => upper.some((u) => u.bound.leftTime === l.bound.leftTime && u.bound.rightTime === l.bound.rightTime));
  if (!pair) return { keys, rest: [...rest, ...new Set(timeBounds.map((t) => t.expr))] };
  const same = (t: { bound: TimeBound }) => t.bound.leftTime === pair.bound.leftTime && t.bound.rightTime === pair.bound.rightTime;
  const others = timeBounds.filter((t) => !same(t)).map((t) => t.expr);
  return {
    keys,
    bounds: {
      leftTime: pair.bound.leftTime,
      rightTime: pair.bound.rightTime,
      // Several bounds on the same pair: the tightest.
      lower: Math.max(...lower.filter(same).map((t) => t.bound.offset)),
      upper: Math.min(...upper.filter(same).map((t) => t.bound.offset)),
    },
    rest: [...rest, ...new Set(others)],
  };
}

/** Which side's columns an expression reads, over the joined scope whose first `leftWidth` columns are the left input's. */
function sides(scope: ScopeColumn[], leftWidth: number) {
  const resolve = (e: Extract<Expr, { kind: "column" }>): ScopeColumn | undefined => {
    const matches = scope.filter((c) => c.name.toLowerCase() === e.name.toLowerCase() && (e.table === undefined || c.table?.toLowerCase() === e.table.toLowerCase()));
    return matches.length === 1 ? matches[0] : undefined;
  };
  const sideOf = (e: Expr): Side => {
    if (e.kind === "column") {
      const c = resolve(e);
      // Unknown or ambiguous: left to the compiler, which names the column in its error.
      return c === undefined ? "both" : c.index < leftWidth ? "left" : "right";
    }
    // A subquery's columns are not in this scope: never pushed.
    if (e.kind === "inQuery" || e.kind === "exists") return "both";
    return children(e).reduce<Side>((acc, x) => {
      const s = sideOf(x);
      return acc === "none" ? s : s === "none" || s === acc ? acc : "both";
    }, "none");
  };
  return { resolve, sideOf };
}

/** The conjuncts of `where` with the side whose columns each reads ("none": no column, "both": both or unknown). */
export function conjunctSides(where: Expr, scope: ScopeColumn[], leftWidth: number): { expr: Expr; side: Side }[] {
  const { sideOf } = sides(scope, leftWidth);
  return flattenAnd(where).map((expr) => ({ expr, side: sideOf(expr) }));
}

/** The conjuncts of `a AND b AND …`. */
export function flattenAnd(e: Expr): Expr[] {
  return e.kind === "binary" && e.op === "AND" ? [...flattenAnd(e.left), ...flattenAnd(e.right)] : [e];
}

/** `c1 AND c2 AND …` of at least one conjunct. */
export function conjunction(conjuncts: Expr[], at: Expr["at"]): Expr {
  return conjuncts.reduce((a, b) => ({ kind: "binary", op: "AND", left: a, right: b, at }));
}

/**
 * The time bounds a conjunct puts on the left rowtime relative to the right one: `l.ts BETWEEN r.ts - a
 * AND r.ts + b`, or comparisons `<, <=, >, >=` of `rowtime [± INTERVAL]` on each side. A strict bound
 * moves by 1 ms, as in Flink (rowtimes are milliseconds).
 */
function timeBoundsOf(e: Expr, resolve: Resolve, leftWidth: number, isTime: (c: ScopeColumn) => boolean): TimeBound[] | undefined {
  if (e.kind === "between" && !e.negated) {
    const lo = timeBoundsOf({ kind: "binary", op: ">=", left: e.arg, right: e.low, at: e.at }, resolve, leftWidth, isTime);
    const hi = timeBoundsOf({ kind: "binary", op: "<=", left: e.arg, right: e.high, at: e.at }, resolve, leftWidth, isTime);
    return lo && hi ? [...lo, ...hi] : undefined;
  }
  if (e.kind !== "binary" || !["<", "<=", ">", ">="].includes(e.op)) return undefined;
  const a = timeTerm(e.left, resolve, isTime);
  const b = timeTerm(e.right, resolve, isTime);
  if (!a || !b) return undefined;
  const aLeft = a.column.index < leftWidth;
  if (aLeft === b.column.index < leftWidth) return undefined;
  // Written as `a.col + a.offset op b.col + b.offset`; turn it into `leftTime op' rightTime + offset`.
  const [l, r, op] = aLeft ? [a, b, e.op] : [b, a, flip(e.op)];
  const offset = r.offset - l.offset;
  const strict = op === "<" || op === ">" ? 1 : 0;
  const kind = op === ">" || op === ">=" ? "lower" : "upper";
  return [{ leftTime: l.column.index, rightTime: r.column.index - leftWidth, kind, offset: kind === "lower" ? offset + strict : offset - strict }];
}

function flip(op: string): string {
  return op === "<" ? ">" : op === "<=" ? ">=" : op === ">" ? "<" : "<=";
}

type Resolve = (c: Extract<Expr, { kind: "column" }>) => ScopeColumn | undefined;

/** `ts`, `ts + INTERVAL …` or `ts - INTERVAL …` on a time column. */
function timeTerm(e: Expr, resolve: Resolve, isTime: (c: ScopeColumn) => boolean): { column: ScopeColumn; offset: number } | undefined {
  if (e.kind === "column") {
    const column = resolve(e);
    return column && isTime(column) ? { column, offset: 0 } : undefined;
  }
  if (e.kind === "binary" && (e.op === "+" || e.op === "-") && e.right.kind === "interval") {
    const inner = timeTerm(e.left, resolve, isTime);
    return inner ? { column: inner.column, offset: inner.offset + (e.op === "+" ? e.right.millis : -e.right.millis) } : undefined;
  }
  return undefined;
}
