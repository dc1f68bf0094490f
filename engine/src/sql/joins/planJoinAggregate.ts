import type { DataStream } from "../../api/DataStream.js";
import type { Expr, Select } from "../ast.js";
import type { Column } from "../catalog.js";
import type { Change } from "../changelog.js";
import { ExprCompiler, type ScopeColumn } from "../compiler.js";
import type { Row } from "../connectors.js";
import { groupAggregateCore, type PlannedGroupAggregate } from "../groupAggregate.js";
import { miniBatchOf } from "../minibatch/miniBatchOptions.js";
import { containsOver } from "../over/overAggregate.js";
import type { NamedItem } from "../selectItems.js";
import { stateDigest } from "../restore/planUids.js";
import type { FlatJoin } from "./compactRows.js";
import { JoinGroupAggregateOperator } from "./joinGroupAggregate.js";
import type { JoinKey } from "./joinKey.js";

/** An inner join of two append-only inputs as planJoin has prepared it, before it becomes an operator. */
export interface FusableJoin {
  /** Each side's compact rows (compactRows.ts) and join key. */
  left: DataStream<Row>;
  right: DataStream<Row>;
  leftKey: (r: Row) => JoinKey;
  rightKey: (r: Row) => JoinKey;
  flat: FlatJoin;
  /** The joined rows' columns (those something after the join reads). */
  columns: Column[];
  qualifiers: (string | undefined)[];
  /** Per equality key of ON, the joined row's column that is its left and its right side (undefined: an expression, or not in the row). */
  keyColumns: [number | undefined, number | undefined][];
  /** The join's name (`Join(joinType=[InnerJoin], keys=[…])`) and state layout. */
  name: string;
  layout: string;
}

/**
 * `SELECT … FROM a JOIN b ON … GROUP BY …` as one operator (joinGroupAggregate.ts) when that gives the
 * changes the separate Join → GroupAggregate would: an inner join of append-only inputs (planJoin calls
 * this only for those), a GROUP BY holding a column of each equality key (so a group's rows all share one
 * join key), aggregates over append-only rows without DISTINCT, no OVER. Undefined otherwise: the plan
 * then stays Flink's. `where` is what stays of WHERE over the joined row.
 */
export function planJoinAggregate(
  join: FusableJoin,
  select: Select,
  where: Expr | undefined,
  expand: (columns: Column[], qualifiers: (string | undefined)[]) => NamedItem[],
): PlannedGroupAggregate | undefined {
  if (select.groupBy.length === 0 || join.keyColumns.length === 0 || select.windows) return undefined;
  const items = expand(join.columns, join.qualifiers);
  if (items.some((i) => containsOver(i.expr))) return undefined;
  const scope: ScopeColumn[] = join.columns.map((c, index) => ({ name: c.name, type: c.type, index, ...(join.qualifiers[index] ? { table: join.qualifiers[index] } : {}) }));
  const core = groupAggregateCore(scope, select, items);
  if (core.aggs.some((a) => a.distinct)) return undefined;
  const grouped = new Set(core.groupColumns.filter((i) => i !== undefined));
  if (!join.keyColumns.every(([l, r]) => (l !== undefined && grouped.has(l)) || (r !== undefined && grouped.has(r)))) return undefined;
  const spec = {
    flat: join.flat,
    keys: [join.leftKey, join.rightKey] as const,
    where: where === undefined ? undefined : new ExprCompiler(scope).predicate(where),
    aggregate: core,
    miniBatch: miniBatchOf(join.left.env),
  };
  const changes = join.left
    .connect(join.right)
    .twoInput<Change>("JoinGroupAggregate", (ctx) => new JoinGroupAggregateOperator(spec, ctx), true, { kind: "hash", keySelector: join.leftKey }, { kind: "hash", keySelector: join.rightKey })
    // Not an operator of Flink's: EXPLAIN says so, and which two of Flink's plan it stands for.
    .name(`JoinGroupAggregate(fused=[Sluice's Join + GroupAggregate], ${join.name.slice("Join(".length, -1)}, ${core.name.slice("GroupAggregate(".length, -1)})`);
  // Another uid than the unfused plan's two operators: a savepoint of one never restores into the other.
  stateDigest(changes, JSON.stringify({ fused: "join+groupAggregate/1", join: join.layout, aggregate: core.digest }));
  return { changes, columns: core.columns, uniqueKey: core.uniqueKey };
}
