import type { DataStream } from "../../api/DataStream.js";
import type { Expr } from "../ast.js";
import type { ScopeColumn } from "../compiler.js";
import type { Row } from "../connectors.js";
import type { Relation } from "../planner.js";
import { stateDigest } from "../restore/planUids.js";
import type { WindowGroups } from "../windows/fusedShapes.js";
import { resolveColumn } from "../windows/windowProperties.js";
import type { JoinCondition } from "./joinCondition.js";
import { type JoinKey, joinKeyOf, joinKeyOfValue } from "./joinKey.js";
import { type GroupSide, WindowGroupJoinOperator, type WindowGroupJoinSpec } from "./windowGroupJoin.js";

export interface WindowGroupJoinPlan {
  left: Relation;
  right: Relation;
  /** ON's equality keys other than the window bounds. */
  keys: JoinCondition["keys"];
  /** The join's scope (left columns, then right ones). */
  scope: ScopeColumn[];
  matches: (l: Row, r: Row) => boolean;
  concat: (l: Row, r: Row) => Row;
  qualifiers: (string | undefined)[];
  /** The window join's name parts (`leftWindow=[…], rightWindow=[…]`). */
  windows: string;
}

/**
 * An inner window join of two window aggregates without aggregate functions (windowAggregate.ts's
 * `groups`) keyed by their group columns, as one operator (windowGroupJoin.ts) reading the aggregates'
 * input rows: nexmark q8. Undefined (the plan stays Flink's three operators) for any other join type,
 * a join without equality keys, a key that is not a group column of its side, or a side whose rows
 * are not the aggregate's as they are (a filter pushed into it).
 */
export function planWindowGroupJoin(plan: WindowGroupJoinPlan, joinType: string): Relation | undefined {
  const { left, right, keys, scope } = plan;
  const [lg, rg] = [left.groups, right.groups];
  if (joinType !== "inner" || keys.length === 0 || lg === undefined || rg === undefined) return undefined;
  if (lg.output !== left.stream || rg.output !== right.stream) return undefined;
  if (lg.size !== rg.size || lg.slide !== rg.slide || lg.offset !== rg.offset) return undefined;
  const leftWidth = left.columns.length;
  // Each equality key's input column on each side: a group column of that side's aggregate.
  const inputColumn = (e: Expr, groups: WindowGroups, offset: number): number | undefined => {
    const c = resolveColumn(e, scope);
    const p = c === undefined ? -1 : c.index - offset;
    const source = p >= 0 && p < groups.sources.length ? (groups.sources[p] as number) : -1;
    return source >= 0 ? source : undefined;
  };
  const leftKeys = keys.map((k) => inputColumn(k.left, lg, 0));
  const rightKeys = keys.map((k) => inputColumn(k.right, rg, leftWidth));
  if (leftKeys.includes(undefined) || rightKeys.includes(undefined)) return undefined;
  const sides = [side(lg, leftKeys as number[]), side(rg, rightKeys as number[])] as const;
  const spec: WindowGroupJoinSpec = { size: lg.size, slide: lg.slide, offset: lg.offset, sides, matches: plan.matches, concat: plan.concat };
  const [leftKey, rightKey] = [sides[0].key, sides[1].key];
  const groupBy = (g: WindowGroups, from: ScopeColumn[]) =>
    from
      .filter((_, p) => (g.sources[p] as number) >= 0)
      .map((c) => c.name)
      .join(", ");
  const stream = (lg.input as DataStream<Row>)
    .connect(rg.input as DataStream<Row>)
    .twoInput<Row>("WindowGroupJoin", (ctx) => new WindowGroupJoinOperator(spec, ctx), true, { kind: "hash", keySelector: leftKey }, { kind: "hash", keySelector: rightKey })
    // Not an operator of Flink's: EXPLAIN says so, and which three of Flink's plan it stands for.
    .name(
      `WindowGroupJoin(fused=[Sluice's WindowAggregate + WindowAggregate + WindowJoin], joinType=[InnerJoin], ${plan.windows}, leftGroupBy=[${groupBy(lg, scope.slice(0, leftWidth))}], rightGroupBy=[${groupBy(rg, scope.slice(leftWidth))}])`,
    );
  // Another uid than the unfused plan's three operators: a savepoint of one never restores into the other.
  stateDigest(stream, JSON.stringify({ fused: "windowAggregate+windowJoin/1", left: lg.digest, right: rg.digest, keys: "joinKeyOf/1", leftKeys, rightKeys }));
  return { stream, columns: [...left.columns, ...right.columns], bounded: left.bounded && right.bounded, qualifier: undefined, qualifiers: plan.qualifiers };
}

/** A side's join key, group row and group equality over its input rows, generated from where each column of the group row comes from. */
function side(groups: WindowGroups, keyColumns: number[]): GroupSide {
  const only = keyColumns[0] as number;
  const key: (r: Row) => JoinKey = keyColumns.length === 1 ? (r) => joinKeyOfValue(r[only]) : (r) => joinKeyOf(keyColumns.map((i) => r[i]));
  const column = (s: number): string => (s === -1 ? "start" : s === -2 ? "end" : s === -3 ? "end - 1" : `r[${s}]`);
  const groupRow = new Function(`"use strict"; return (r, start, end) => [${groups.sources.map(column).join(", ")}];`)() as GroupSide["groupRow"];
  // GROUP BY's equality: NULLs are one group (and NaNs one); the window is the pane's.
  const same = groups.sources.flatMap((s, p) => (s >= 0 ? [`eq(r[${s}], g[${p}])`] : []));
  const eq = (a: unknown, b: unknown): boolean => a === b || ((a === null || a === undefined) && (b === null || b === undefined)) || (Number.isNaN(a) && Number.isNaN(b));
  const sameGroup = new Function("eq", `"use strict"; return (r, g) => ${same.length === 0 ? "true" : same.join(" && ")};`)(eq) as GroupSide["sameGroup"];
  return { key, groupRow, sameGroup };
}
