import type { DataStream } from "../../api/DataStream.js";
import type { Expr, FromItem, WindowTvf } from "../ast.js";
import { describeWindow, resolveColumn } from "../windows/windowProperties.js";
import { ExprCompiler, type ScopeColumn } from "../compiler.js";
import type { Row } from "../connectors.js";
import { StreamSqlError } from "../errors.js";
import type { Relation } from "../planner.js";
import type { JoinCondition } from "./joinCondition.js";
import { type JoinKey, joinKeyOf, joinKeyOfValue } from "./joinKey.js";
import { stateDigest } from "../restore/planUids.js";
import { concatRows, pairPredicate, type WindowJoinType } from "./windowJoin.js";
import { WindowJoinOperator } from "./windowJoinOperator.js";
import { planWindowGroupJoin } from "./planWindowGroupJoin.js";
import { planWindowMaxJoin } from "./planWindowMaxJoin.js";

/**
 * A window join, as Flink's WindowJoinUtil recognises one: both sides have window properties of a
 * TUMBLE, HOP or CUMULATE (a TVF's rows, or a projection, filter or window aggregate over them, the
 * bounds under any alias: windows/windowProperties.ts) and ON equates their window_start and their
 * window_end. Then it runs as WindowJoinOperator (windowJoinOperator.ts), partitioned by the
 * other equality keys; otherwise undefined (a regular join).
 */
export function planWindowJoin(
  item: { left: FromItem; right: FromItem; joinType: WindowJoinType },
  left: Relation,
  right: Relation,
  condition: JoinCondition,
  scope: ScopeColumn[],
  qualifiers: (string | undefined)[],
  on: Expr | undefined,
): Relation | undefined {
  const [lw, rw] = [left.window, right.window];
  if (!lw || !rw) return undefined;
  const [leftTvf, rightTvf] = [lw.tvf, rw.tvf];
  const leftWidth = left.columns.length;
  const [ls, le, rs, re] = [lw.start, lw.end, rw.start, rw.end];
  const columnIndex = (c: Expr): number | undefined => resolveColumn(c, scope)?.index;
  const isPair = (k: JoinCondition["keys"][number], l: number, r: number): boolean => columnIndex(k.left) === l && columnIndex(k.right) === r + leftWidth;
  const startPair = condition.keys.find((k) => isPair(k, ls, rs));
  const endPair = condition.keys.find((k) => isPair(k, le, re));
  if (!startPair || !endPair) return undefined;
  // Windows that differ: Flink plans a regular join, as here.
  if (!sameWindows(leftTvf, rightTvf)) return undefined;
  // A window TVF's changes (over a deduplication, an upsert source): Flink's window join takes none.
  if (left.changes || right.changes)
    throw new StreamSqlError("unsupported", "StreamPhysicalWindowJoin doesn't support consuming update and delete changes (a window join over an updating input)", startPair.left.at, undefined);

  const keys = condition.keys.filter((k) => k !== startPair && k !== endPair);
  const leftScope = scope.slice(0, leftWidth);
  const rightScope = scope.slice(leftWidth).map((c) => ({ ...c, index: c.index - leftWidth }));
  const leftKey = new ExprCompiler(leftScope).rowFunction(keys.map((k) => k.left)).fn;
  const rightKey = new ExprCompiler(rightScope).rowFunction(keys.map((k) => k.right)).fn;
  const rightWidth = right.columns.length;
  const spec = { joinType: item.joinType, leftWindowEnd: le, rightWindowEnd: re, leftWidth, rightWidth, matches: pairPredicate(on, scope, leftWidth), concat: concatRows(leftWidth, rightWidth) };
  const windows = `leftWindow=[${describeWindow(leftTvf)}], rightWindow=[${describeWindow(rightTvf)}]`;
  // Two window aggregates of groups alone into an inner join on their group columns (nexmark q8): one operator.
  const fused = planWindowGroupJoin({ left, right, keys, scope, matches: spec.matches, concat: spec.concat, qualifiers, windows }, item.joinType);
  if (fused) return fused;
  // A window aggregate's rows joined with their windows' MAX (nexmark q5): one operator holding each window's best rows.
  const bounds = { ls, le, rs, re };
  const maxJoin = planWindowMaxJoin({ left, right, condition, keys, scope, bounds, matches: spec.matches, concat: spec.concat, qualifiers, windows }, item.joinType);
  if (maxJoin) return maxJoin;
  // Without other equality keys (nexmark q5: ON the window and `num >= maxn`) a constant key put every row of
  // every window on one subtask; window_end keys it instead: rows of one window share it (the windows are the
  // same on both sides), so each window's pane is whole on one subtask and windows spread over subtasks.
  const keyless = keys.length === 0;
  const keyOf: [(r: Row) => JoinKey, (r: Row) => JoinKey] = keyless ? [(r) => joinKeyOfValue(r[le]), (r) => joinKeyOfValue(r[re])] : [(r) => joinKeyOf(leftKey(r)), (r) => joinKeyOf(rightKey(r))];
  const joinType = { inner: "InnerJoin", left: "LeftOuterJoin", right: "RightOuterJoin", full: "FullOuterJoin", semi: "LeftSemiJoin", anti: "LeftAntiJoin" }[item.joinType];
  const stream = (left.stream as DataStream<Row>)
    .connect(right.stream as DataStream<Row>)
    .twoInput<Row>("windowJoin", (ctx) => new WindowJoinOperator(spec, keyOf, ctx), true, { kind: "hash", keySelector: keyOf[0] }, { kind: "hash", keySelector: keyOf[1] })
    .name(`WindowJoin(joinType=[${joinType}], ${windows})`);
  // Its state layout (windowJoinOperator.ts) and keys' encoding in its uid: a savepoint of an earlier one fails to restore, by name.
  stateDigest(stream, `panes by window_end of [key, left rows, right rows]; keys ${keyless ? "window_end/1" : "joinKeyOf/1"}`);
  const bounded = left.bounded && right.bounded;
  // SEMI and ANTI give the left rows as they are.
  if (item.joinType === "semi" || item.joinType === "anti") return { stream, columns: left.columns, bounded, qualifier: left.qualifier, ...(left.qualifiers ? { qualifiers: left.qualifiers } : {}) };
  return { stream, columns: [...left.columns, ...right.columns], bounded, qualifier: undefined, qualifiers };
}

function sameWindows(a: WindowTvf, b: WindowTvf): boolean {
  return describeWindow(a) === describeWindow(b);
}
