import { aggregateArgument } from "./aggregates/aggregateArgument.js";
import { aggregateResultType } from "./aggregates/aggregateType.js";
import { applyRow, applyRowInPlace, type GroupAcc, type GroupAggCall, groupAggValue, groupKeys, groupRows, newGroupAcc, sameAggregateValues } from "./aggregates/groupAccumulator.js";
import type { DataStream } from "../api/DataStream.js";
import type { Collector } from "../api/functions.js";
import type { KeyedProcessFunction } from "../api/keyedFunctions.js";
import type { MapState, ValueState } from "../state/State.js";
import { children, type Expr, type Select } from "./ast.js";
import type { Column } from "./catalog.js";
import type { Change } from "./changelog.js";
import { ExprCompiler, type Compiled, type ScopeColumn } from "./compiler.js";
import type { Row } from "./connectors.js";
import { StreamSqlError } from "./errors.js";
import { recordKeyOf } from "./joins/joinKey.js";
import { type KeyedBundleFunction, MiniBatchKeyedOperator } from "./minibatch/MiniBatchKeyedOperator.js";
import { miniBatchOf } from "./minibatch/miniBatchOptions.js";
import { stateDigest } from "./restore/planUids.js";
import type { NamedItem } from "./selectItems.js";
import { aggregateItemMonotonicity, type Monotonicity, readsOnlyKeys } from "./rank/monotonicity.js";
import { isIntegral, type SqlType } from "./types.js";

const AGGREGATES = ["COUNT", "SUM", "MIN", "MAX", "AVG"];

interface AggCall extends GroupAggCall {
  signature: string;
  type: SqlType;
}

/** An updating aggregate's plan: its changelog, and the output columns that are its unique key. */
export interface PlannedGroupAggregate {
  changes: DataStream<Change>;
  columns: Column[];
  /** Output columns holding the GROUP BY keys (`[]` for a global aggregate); undefined if the SELECT does not show them all. */
  uniqueKey: number[] | undefined;
  /** How each output column can change (rank/monotonicity.ts); undefined when none is known to be monotonic. */
  monotonicity?: Monotonicity[];
}

const signature = (e: Expr): string => JSON.stringify(e, (k, v: unknown) => (k === "at" ? undefined : v));

/**
 * What an updating GROUP BY computes, apart from how its rows reach it: its aggregates, a row's group
 * (key and key columns), and `settle`, which emits a group's change. The GroupAggregate operator below and
 * the join fused with it (joins/joinGroupAggregate.ts) share it, so both emit the same changes.
 */
export function groupAggregateCore(scope: ScopeColumn[], select: Select, items: NamedItem[], updatingInput = false) {
  // A GROUP BY item is a column or an expression (`GROUP BY DATE_FORMAT(ts, 'yyyy-MM-dd')`), which the SELECT list and HAVING may repeat.
  const groupCols = select.groupBy.map((g) => {
    if (g.kind !== "column") return { name: undefined, type: new ExprCompiler(scope).value(g).type, expr: g, signature: signature(g), index: undefined };
    const c = scope.find((s) => s.name.toLowerCase() === g.name.toLowerCase() && (g.table === undefined || s.table?.toLowerCase() === g.table.toLowerCase()));
    if (!c) throw new StreamSqlError("validation", `Column '${g.name}' not found in any table`, g.at, g.name);
    // Qualified as in the scope: a join's `a.id` and `b.id` are two columns of one name.
    return { name: c.name, type: c.type, expr: { kind: "column", name: c.name, ...(c.table ? { table: c.table } : {}), at: select.at } as Expr, signature: undefined, index: c.index };
  });
  const names = groupCols.map((c) => c.name?.toLowerCase());
  const keyOf = new ExprCompiler(scope).rowFunction(groupCols.map((c) => c.expr)).fn;
  const rowKey = groupKeySelector(groupCols, keyOf);
  const groupIndex = (e: Expr): number => {
    if (e.kind === "column") {
      // The grouped column `e` names, by its place in the scope (`b.id` is not `a.id`); by name when that is ambiguous.
      const found = scope.filter((s) => s.name.toLowerCase() === e.name.toLowerCase() && (e.table === undefined || s.table?.toLowerCase() === e.table.toLowerCase()));
      const at = found.length === 1 ? groupCols.findIndex((c) => c.index === (found[0] as ScopeColumn).index) : -1;
      return at >= 0 ? at : names.indexOf(e.name.toLowerCase());
    }
    const sig = signature(e);
    return groupCols.findIndex((c) => c.signature === sig);
  };

  const aggs: AggCall[] = [];
  const collect = (e: Expr): void => {
    if (e.kind === "call" && AGGREGATES.includes(e.name)) {
      const sig = signature(e);
      if (aggs.some((a) => a.signature === sig)) return;
      const arg = aggregateArgument(e, scope);
      const argType = arg.type;
      aggs.push({
        name: e.name,
        signature: sig,
        arg: arg.fn,
        type: aggregateResultType(e.name, argType),
        integralAvg: e.name === "AVG" && isIntegral(argType),
        distinct: e.distinct,
      });
      return;
    }
    for (const child of children(e)) collect(child);
  };
  items.forEach((i) => collect(i.expr));
  if (select.having) collect(select.having);

  // The SELECT list and HAVING see group columns at 0..g-1 and aggregates at g..
  const g = groupCols.length;
  const override = (e: Expr): Compiled | undefined => {
    const i = groupIndex(e);
    if (i >= 0) return { code: `r[${i}]`, type: groupKeyType((groupCols[i] as { type: SqlType }).type) };
    if (e.kind === "column") throw new StreamSqlError("validation", `Expression '${e.name}' is not being grouped`, e.at, e.name);
    if (e.kind === "call") {
      const j = aggs.findIndex((a) => a.signature === signature(e));
      if (j >= 0) return { code: `r[${g + j}]`, type: (aggs[j] as AggCall).type };
    }
    return undefined;
  };
  const having = select.having ? new ExprCompiler([], override).predicate(select.having) : () => true;
  const { fn: project, types } = new ExprCompiler([], override).rowFunction(items.map((i) => i.expr));
  const columns = items.map((i, n) => ({ name: i.name, type: types[n] ?? { name: "NULL" } }));
  const shown = groupCols.map((_, i) => items.findIndex((it) => groupIndex(it.expr) === i));
  const uniqueKey = shown.every((i) => i >= 0) ? shown : undefined;

  const keepsValues = aggs.map((a) => a.distinct || (updatingInput && (a.name === "MIN" || a.name === "MAX")));
  /** The row the SELECT list and HAVING read (group columns, then aggregates), written into `into`: it never leaves this function. */
  const result = (acc: GroupAcc, into: Row): Row => {
    const keys = groupKeys(acc);
    for (let i = 0; i < g; i++) into[i] = keys[i];
    for (let j = 0; j < aggs.length; j++) into[g + j] = groupAggValue(acc, j, aggs[j] as AggCall);
    return into;
  };
  // Reused by every row: `project` and HAVING read them, the emitted rows are project's new arrays.
  const prevRow: Row = new Array(g + aggs.length);
  const nextRow: Row = new Array(g + aggs.length);

  /**
   * The group's state goes from `before` (undefined: it had none) to `acc`, and its change is emitted:
   * +I for a new group, -U old / +U new when the aggregates changed (nothing when they did not), -D when
   * its last row was retracted (state cleared). As Flink's GroupAggFunction and, per batch, MiniBatchGroupAggFunction.
   */
  const settle = (
    state: Pick<ValueState<GroupAcc>, "update" | "clear">,
    values: readonly (MapState<unknown, number> | undefined)[],
    before: GroupAcc | undefined,
    acc: GroupAcc,
    out: Collector<Change>,
  ): void => {
    if (groupRows(acc) === 0) {
      // The group's last row was retracted: it leaves the result and its state is cleared.
      state.clear();
      for (const v of values) v?.clear();
      if (before === undefined) return; // it came and went within one mini-batch: never shown
      const prev = result(before, prevRow);
      if (having(prev)) out.collect({ kind: "-D", row: project(prev) });
      return;
    }
    state.update(acc);
    if (before === undefined) {
      const next = result(acc, nextRow);
      if (having(next)) out.collect({ kind: "+I", row: project(next) });
      return;
    }
    // As Flink: an input that leaves the aggregates as they were emits nothing (told before building any row).
    if (sameAggregateValues(before, acc, aggs)) return;
    const [prev, next] = [result(before, prevRow), result(acc, nextRow)];
    const [was, is] = [having(prev), having(next)];
    if (was && is) {
      out.collect({ kind: "-U", row: project(prev) });
      out.collect({ kind: "+U", row: project(next) });
    } else if (was) out.collect({ kind: "-D", row: project(prev) });
    else if (is) out.collect({ kind: "+I", row: project(next) });
  };
  const name = g === 0 ? "GroupAggregate(global)" : `GroupAggregate(groupBy=[${groupCols.map((c, i) => c.name ?? `$f${i}`).join(", ")}])`;
  // keys: how a group's state key is made (an older build's JSON keys must not restore into it).
  // acc: its layout (aggregates/groupAccumulator.ts; an older build's object of arrays must not restore into it).
  const digest = { groupBy: groupCols.map((c, i) => names[i] ?? c.signature), aggs: aggs.map((a) => a.signature), keepsValues, keys: "groupKey/3", acc: "array/1" };
  return { aggs, keyOf, rowKey, settle, keepsValues, columns, uniqueKey, groupColumns: groupCols.map((c) => c.index), name, digest, global: g === 0, groupIndex };
}

/**
 * `SELECT … FROM t GROUP BY k…` (or aggregates without GROUP BY) on a stream, as Flink's
 * GroupAggFunction: keyed by the group, the accumulators in keyed state, and for each input row
 * the group's new result as a changelog: +I for a new group, -U old / +U new when the aggregates
 * changed (nothing when they did not). HAVING and the SELECT list run in the same function, so a
 * group that stops (or starts) passing HAVING is a -D (or +I) rather than a lone -U: it folds to
 * the table Flink's does, and a -U is always followed by its +U.
 */
export function planGroupAggregate(input: DataStream<Row> | DataStream<Change>, scope: ScopeColumn[], select: Select, items: NamedItem[], updatingInput = false): PlannedGroupAggregate {
  const core = groupAggregateCore(scope, select, items, updatingInput);
  const { aggs, keyOf, rowKey, settle, keepsValues, columns, uniqueKey } = core;
  const isRetraction = (input: Row | Change): boolean => updatingInput && ((input as Change).kind === "-U" || (input as Change).kind === "-D");
  const rowOf = (input: Row | Change): Row => (updatingInput ? (input as Change).row : (input as Row));

  type GroupFunction = KeyedProcessFunction<unknown, Row | Change, Change> &
    KeyedBundleFunction<Row | Change, Change> & { acc?: ValueState<GroupAcc>; values?: (MapState<unknown, number> | undefined)[] };
  const fn: GroupFunction = {
    open(rc) {
      this.acc = rc.getState<GroupAcc>("acc");
      this.values = keepsValues.map((m, j) => (m ? rc.getMapState<unknown, number>(`values-${j}`) : undefined));
    },
    processElement(input, _ctx, out) {
      const state = this.acc as ValueState<GroupAcc>;
      const values = this.values as (MapState<unknown, number> | undefined)[];
      const r = rowOf(input);
      const retract = isRetraction(input);
      const before = state.value();
      if (before === undefined && retract) return; // as Flink: a retraction of a group it has no state for
      settle(state, values, before, applyRow(before ?? newGroupAcc(keyOf(r), aggs.length), aggs, r, retract, values), out);
    },
    // A mini-batch: the key's rows folded into one copy of its accumulator, and one change for all of them.
    finishKey(inputs, out) {
      const state = this.acc as ValueState<GroupAcc>;
      const values = this.values as (MapState<unknown, number> | undefined)[];
      const before = state.value();
      let i = 0;
      // As Flink's MiniBatchGroupAggFunction: without state, the batch's leading retractions are dropped.
      if (before === undefined) while (i < inputs.length && isRetraction(inputs[i] as Row | Change)) i++;
      if (i === inputs.length) return;
      const acc = before === undefined ? newGroupAcc(keyOf(rowOf(inputs[i] as Row | Change)), aggs.length) : before.slice();
      for (; i < inputs.length; i++) {
        const input = inputs[i] as Row | Change;
        applyRowInPlace(acc, aggs, rowOf(input), isRetraction(input), values);
      }
      settle(state, values, before, acc, out);
    },
  };
  const groupKeyOf = updatingInput ? (v: Row | Change) => rowKey((v as Change).row) : (v: Row | Change) => rowKey(v as Row);
  const keyed = (input as DataStream<Row | Change>).keyBy(groupKeyOf);
  const miniBatch = miniBatchOf(input.env);
  const operator = miniBatch
    ? keyed.input.transform<Change>("keyedProcess", (ctx) => new MiniBatchKeyedOperator(fn, groupKeyOf, miniBatch, ctx), { keyed: true, partitioning: keyed.partitioning })
    : keyed.process(fn);
  // A global aggregate is one group: every row goes to one key (Flink runs it at parallelism 1).
  // The same name and state digest with mini-batch or without: the state is the same, so a savepoint moves between the two.
  const changes = stateDigest(operator.name(core.name), JSON.stringify(core.digest));
  const monotonicity = updatingInput ? undefined : outputMonotonicity(select, items, (e) => core.groupIndex(e) >= 0);
  return { changes, columns, uniqueKey, ...(monotonicity ? { monotonicity } : {}) };
}

/** Over an append-only input, each item's monotonicity; none after a HAVING on an aggregate (Flink's Top-N above it then retracts). */
function outputMonotonicity(select: Select, items: NamedItem[], isGroupKey: (e: Expr) => boolean): Monotonicity[] | undefined {
  if (select.having && !readsOnlyKeys(select.having, isGroupKey)) return undefined;
  return items.map((i) => aggregateItemMonotonicity(i.expr, isGroupKey, select.where));
}

/**
 * A row's group key. One group column's value is its own key (the engine hashes it as it is, NULL one
 * group too); two integral ones, one number (pairKey); others, one string of them without JSON. Read straight from the row when the GROUP BY
 * names columns (no array of the keys per row), through `keyOf` when it has expressions: the same keys.
 */
function groupKeySelector(groupCols: { index: number | undefined }[], keyOf: (r: Row) => Row): (r: Row) => unknown {
  if (groupCols.length === 0) return () => "";
  const indexes = groupCols.map((c) => c.index);
  if (!indexes.every((i) => i !== undefined)) return (r) => groupKey(keyOf(r));
  if (indexes.length === 1) {
    const i = indexes[0] as number;
    return (r) => singleKey(r[i]);
  }
  if (indexes.length === 2) {
    const [i, j] = indexes as [number, number];
    return (r) => pairKey(r[i], r[j]) ?? recordKeyOf(r, indexes as number[]);
  }
  return (r) => recordKeyOf(r, indexes as number[]);
}

const PAIR_LOW = 2 ** 20;
const PAIR_HIGH = 2 ** 31;

/**
 * Two integral group columns as one number, a * 2^20 + b, when a is within ±2^31 and b in [0, 2^20) (nexmark
 * q4's auction id and category): an exact double, one per pair, and no string built per row. Other pairs
 * stay strings (recordKeyOf), which never equal a number, so keys of the same GROUP BY stay injective.
 */
function pairKey(a: unknown, b: unknown): number | undefined {
  if (typeof a !== "number" || typeof b !== "number" || !Number.isInteger(a) || !Number.isInteger(b)) return undefined;
  if (a <= -PAIR_HIGH || a >= PAIR_HIGH || b < 0 || b >= PAIR_LOW) return undefined;
  return a * PAIR_LOW + b + 0;
}

function groupKey(keys: Row): unknown {
  return keys.length === 1 ? singleKey(keys[0]) : recordKeyOf(keys);
}

function singleKey(k: unknown): unknown {
  return typeof k === "object" && k !== null && !(k instanceof Date) ? recordKeyOf([k]) : (k ?? null);
}

/**
 * A group key column's type in the aggregate's output: the column's own (TIMESTAMP(3), DECIMAL(10, 2), NOT NULL),
 * no longer a rowtime attribute (Flink materializes one it groups by). Only the name was kept, so a TIMESTAMP(3)
 * key read as TIMESTAMP(6). A proctime key keeps its mark, the only way a type here says TIMESTAMP_LTZ(3).
 */
function groupKeyType(type: SqlType): SqlType {
  const { rowtime: _rowtime, ...plain } = type;
  return plain;
}
