import type { DataStream } from "../../api/DataStream.js";
import { declareRowType } from "../../exchange/edgeCodec.js";
import type { Expr } from "../ast.js";
import type { ScopeColumn } from "../compiler.js";
import type { Row } from "../connectors.js";
import type { Relation } from "../planner.js";
import { stateDigest, uidAsAtParallelismOne } from "../restore/planUids.js";
import { resolveColumn } from "../windows/windowProperties.js";
import type { JoinCondition } from "./joinCondition.js";
import { joinKeyOfValue } from "./joinKey.js";
import { WindowMaxJoinOperator, WindowMaxPruneOperator, type WindowMaxJoinSpec } from "./windowMaxJoin.js";

export interface WindowMaxJoinPlan {
  left: Relation;
  right: Relation;
  condition: JoinCondition;
  /** ON's equality keys other than the window bounds. */
  keys: JoinCondition["keys"];
  scope: ScopeColumn[];
  /** The window bounds ON equates: left and right window_start and window_end columns. */
  bounds: { ls: number; le: number; rs: number; re: number };
  matches: (l: Row, r: Row) => boolean;
  concat: (l: Row, r: Row) => Row;
  qualifiers: (string | undefined)[];
  windows: string;
}

/**
 * Nexmark q5's join as one operator (windowMaxJoin.ts): `R JOIN (SELECT MAX(v) AS m, window_start,
 * window_end FROM R' GROUP BY window_start, window_end) M ON <bounds equal> AND R.v >= M.m`, where R is a
 * window aggregate's rows as the operator makes them and R' columns of the same rows. Undefined (the plan
 * stays Flink's MAX aggregate and window join) for any other join type, other equality keys, more or
 * other conditions in ON (`R.v <= M.m` keeps rows below the MAX), a MAX of another column, with WHERE
 * or HAVING, over other rows, or rows not from a window's firing.
 */
export function planWindowMaxJoin(plan: WindowMaxJoinPlan, joinType: string): Relation | undefined {
  const { left, right, condition, keys, scope, bounds } = plan;
  const max = right.windowMax;
  if (joinType !== "inner" || keys.length > 0 || max === undefined || max.output !== right.stream || max.of !== left.stream) return undefined;
  if (bounds.ls !== max.start || bounds.le !== max.end || bounds.rs !== max.at.start || bounds.re !== max.at.end) return undefined;
  if (!left.firedEnds?.includes(bounds.le) || condition.rest.length !== 1) return undefined;
  const leftWidth = left.columns.length;
  const column = (e: Expr): number | undefined => resolveColumn(e, scope)?.index;
  const rest = condition.rest[0] as Expr;
  if (rest.kind !== "binary" || (rest.op !== ">=" && rest.op !== "<=")) return undefined;
  const [big, small] = rest.op === ">=" ? [rest.left, rest.right] : [rest.right, rest.left];
  if (column(big) !== max.value || column(small) !== leftWidth + max.at.max) return undefined;

  const { at } = max;
  const maxRow = new Function(
    `"use strict"; return (m, s, e) => [${Array.from({ length: at.width }, (_, i) => (i === at.max ? "m" : i === at.start ? "s" : i === at.end ? "e" : "null")).join(", ")}];`,
  )() as WindowMaxJoinSpec["maxRow"];
  const spec: WindowMaxJoinSpec = { value: max.value, start: max.start, end: max.end, maxRow, matches: plan.matches, concat: plan.concat };
  const end = max.end;
  let rows = left.stream as DataStream<Row>;
  if (rows.env.parallelism > 1) {
    // Ahead of the exchange, each subtask's rows below its own best of their window go: ~1 of a window's ~5,000 counts crosses.
    rows = uidAsAtParallelismOne(
      rows.transform<Row>("WindowMaxPrune", (ctx) => new WindowMaxPruneOperator(spec, ctx)),
      "transparent",
    );
    declareRowType(rows, { fields: left.columns });
  }
  const keySelector = (r: Row) => joinKeyOfValue(r[end]);
  const stream = rows
    .transform<Row>("WindowMaxJoin", (ctx) => new WindowMaxJoinOperator(spec, ctx), { keyed: true, partitioning: { kind: "hash", keySelector } })
    // Not an operator of Flink's: EXPLAIN says so, and which two of Flink's plan it stands for.
    .name(`WindowMaxJoin(fused=[Sluice's WindowAggregate + WindowJoin], joinType=[InnerJoin], ${plan.windows}, maxOf=[${scope[max.value]?.name ?? max.value}])`);
  // Another uid than the unfused plan's operators: a savepoint of one never restores into the other.
  stateDigest(stream, JSON.stringify({ fused: "windowMax+windowJoin/1", value: max.value, end, keys: "window_end/1" }));
  return { stream, columns: [...left.columns, ...right.columns], bounded: left.bounded && right.bounded, qualifier: undefined, qualifiers: plan.qualifiers };
}
