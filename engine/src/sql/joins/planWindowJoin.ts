import type { DataStream } from "../../api/DataStream.js";
import type { Expr, FromItem, WindowTvf } from "../ast.js";
import { ExprCompiler, type ScopeColumn } from "../compiler.js";
import type { Row } from "../connectors.js";
import type { Relation } from "../planner.js";
import type { JoinCondition } from "./joinCondition.js";
import { keyString } from "./joinInputs.js";
import { type WindowJoinType, windowJoinFunction } from "./windowJoin.js";

/**
 * A window join, as Flink's WindowJoinUtil recognises one: both sides are windowed by a TUMBLE, HOP
 * or CUMULATE TVF (directly, or a SELECT over one, a window aggregate included) and ON equates their
 * window_start and their window_end. Then it runs as WindowJoinOperator (windowJoin.ts), keyed by the
 * other equality keys; otherwise undefined (a regular join).
 */
export function planWindowJoin(
  item: { left: FromItem; right: FromItem; joinType: WindowJoinType },
  left: Relation,
  right: Relation,
  condition: JoinCondition,
  scope: ScopeColumn[],
  qualifiers: (string | undefined)[],
  matches: (joined: Row) => boolean,
): Relation | undefined {
  const leftWindowed = windowTvfOf(item.left);
  const rightWindowed = windowTvfOf(item.right);
  if (!leftWindowed || !rightWindowed || left.changes || right.changes) return undefined;
  const [leftTvf, rightTvf] = [leftWindowed.tvf, rightWindowed.tvf];
  const leftWidth = left.columns.length;
  const index = (p: Relation, names: Set<string>): number => p.columns.findIndex((c) => names.has(c.name.toLowerCase()));
  const [ls, le, rs, re] = [index(left, leftWindowed.starts), index(left, leftWindowed.ends), index(right, rightWindowed.starts), index(right, rightWindowed.ends)];
  if (ls < 0 || le < 0 || rs < 0 || re < 0) return undefined;
  const columnIndex = (c: Expr): number | undefined => {
    if (c.kind !== "column") return undefined;
    const found = scope.filter((s) => s.name.toLowerCase() === c.name.toLowerCase() && (c.table === undefined || s.table?.toLowerCase() === c.table.toLowerCase()));
    return found.length === 1 ? found[0]?.index : undefined;
  };
  const isPair = (k: JoinCondition["keys"][number], l: number, r: number): boolean => columnIndex(k.left) === l && columnIndex(k.right) === r + leftWidth;
  const startPair = condition.keys.find((k) => isPair(k, ls, rs));
  const endPair = condition.keys.find((k) => isPair(k, le, re));
  if (!startPair || !endPair) return undefined;
  // Windows that differ: Flink plans a regular join, as here.
  if (!sameWindows(leftTvf, rightTvf)) return undefined;

  const keys = condition.keys.filter((k) => k !== startPair && k !== endPair);
  const leftScope = scope.slice(0, leftWidth);
  const rightScope = scope.slice(leftWidth).map((c) => ({ ...c, index: c.index - leftWidth }));
  const leftKey = new ExprCompiler(leftScope).rowFunction(keys.map((k) => k.left)).fn;
  const rightKey = new ExprCompiler(rightScope).rowFunction(keys.map((k) => k.right)).fn;
  const fn = windowJoinFunction({ joinType: item.joinType, leftWindowEnd: le, rightWindowEnd: re, leftWidth, rightWidth: right.columns.length, matches });
  const joinType = { inner: "InnerJoin", left: "LeftOuterJoin", right: "RightOuterJoin", full: "FullOuterJoin", semi: "LeftSemiJoin", anti: "LeftAntiJoin" }[item.joinType];
  const stream = (left.stream as DataStream<Row>)
    .connect(right.stream as DataStream<Row>)
    .keyBy(
      (r) => keyString(leftKey(r)),
      (r) => keyString(rightKey(r)),
    )
    .process(fn)
    .name(`WindowJoin(joinType=[${joinType}], leftWindow=[${describe(leftTvf)}], rightWindow=[${describe(rightTvf)}])`);
  const bounded = left.bounded && right.bounded;
  // SEMI and ANTI give the left rows as they are.
  if (item.joinType === "semi" || item.joinType === "anti") return { stream, columns: left.columns, bounded, qualifier: left.qualifier, ...(left.qualifiers ? { qualifiers: left.qualifiers } : {}) };
  return { stream, columns: [...left.columns, ...right.columns], bounded, qualifier: undefined, qualifiers };
}

interface Windowed {
  tvf: WindowTvf;
  /** The (lower-cased) names the side's window_start and window_end go by: renamed by `AS` as Flink's planner follows them (nexmark q8's `window_start AS starttime`). */
  starts: Set<string>;
  ends: Set<string>;
}

/** The TUMBLE, HOP or CUMULATE a join side is windowed by: the TVF itself or a SELECT (plain or window-aggregating) over it. */
function windowTvfOf(item: FromItem): Windowed | undefined {
  const tvf = (f: FromItem): WindowTvf | undefined => (f.kind === "tumble" || f.kind === "hop" || f.kind === "cumulate" ? f : undefined);
  if (item.kind !== "subquery") {
    const direct = tvf(item);
    return direct && { tvf: direct, starts: new Set(["window_start"]), ends: new Set(["window_end"]) };
  }
  const q = item.query;
  const from = q.kind === "select" && !q.distinct ? tvf(q.from) : undefined;
  if (!from || q.kind !== "select") return undefined;
  const names = (property: string): Set<string> => {
    const out = new Set<string>();
    for (const s of q.items) {
      if (s.kind === "star") out.add(property);
      else if (s.expr.kind === "column" && s.expr.name.toLowerCase() === property) out.add((s.alias ?? s.expr.name).toLowerCase());
    }
    return out;
  };
  return { tvf: from, starts: names("window_start"), ends: names("window_end") };
}

function sameWindows(a: WindowTvf, b: WindowTvf): boolean {
  return describe(a) === describe(b);
}

function describe(w: WindowTvf): string {
  const offset = "offset" in w && w.offset ? `, offset=${w.offset}ms` : "";
  if (w.kind === "tumble") return `TUMBLE(size=${w.size}ms${offset})`;
  if (w.kind === "hop") return `HOP(slide=${w.slide}ms, size=${w.size}ms${offset})`;
  if (w.kind === "cumulate") return `CUMULATE(step=${w.step}ms, size=${w.size}ms${offset})`;
  return `SESSION(gap=${w.gap}ms)`;
}
