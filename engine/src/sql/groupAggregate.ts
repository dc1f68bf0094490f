import { aggregateArgument } from "./aggregates/aggregateArgument.js";
import { aggregateResultType } from "./aggregates/aggregateType.js";
import { aggregateValue } from "./aggregateValue.js";
import type { DataStream } from "../api/DataStream.js";
import type { KeyedProcessFunction } from "../api/keyedFunctions.js";
import type { MapState, ValueState } from "../state/State.js";
import { children, type Expr, type Select } from "./ast.js";
import type { Column } from "./catalog.js";
import type { Change } from "./changelog.js";
import { ExprCompiler, type Compiled, type ScopeColumn } from "./compiler.js";
import type { Row } from "./connectors.js";
import { StreamSqlError } from "./errors.js";
import { recordKeyOf } from "./joins/joinKey.js";
import { stateDigest } from "./restore/planUids.js";
import type { NamedItem } from "./planner.js";
import { isIntegral, type SqlType } from "./types.js";

const AGGREGATES = ["COUNT", "SUM", "MIN", "MAX", "AVG"];

interface AggCall {
  name: string;
  signature: string;
  arg: ((r: Row) => unknown) | undefined;
  type: SqlType;
  integralAvg: boolean;
  /** `COUNT(DISTINCT x)`, …: only a value's first arrival and its last retraction count. */
  distinct: boolean;
}

/**
 * A group's accumulators (the keyed ValueState, so it is checkpointed with the operator): the
 * group's values, its number of rows (Flink's count1: at 0 the group is gone), and per aggregate
 * the count, sum, min and max of its non-NULL arguments. Over an updating input MIN/MAX also keep
 * the multiset of values in MapState (Flink's MinWithRetractAggFunction), to find the next minimum
 * when the minimum is retracted; over an append-only input they need not (Flink's MinAggFunction).
 * A DISTINCT aggregate keeps the same per-value counts (Flink's DistinctAccumulator over a MapView):
 * a value takes part from its first row until its last row is retracted.
 */
interface Acc {
  keys: Row;
  rows: number;
  n: number[];
  sum: number[];
  min: unknown[];
  max: unknown[];
}

/** An updating aggregate's plan: its changelog, and the output columns that are its unique key. */
export interface PlannedGroupAggregate {
  changes: DataStream<Change>;
  columns: Column[];
  /** Output columns holding the GROUP BY keys (`[]` for a global aggregate); undefined if the SELECT does not show them all. */
  uniqueKey: number[] | undefined;
}

const signature = (e: Expr): string => JSON.stringify(e, (k, v: unknown) => (k === "at" ? undefined : v));

/**
 * `SELECT … FROM t GROUP BY k…` (or aggregates without GROUP BY) on a stream, as Flink's
 * GroupAggFunction: keyed by the group, the accumulators in keyed state, and for each input row
 * the group's new result as a changelog: +I for a new group, -U old / +U new when the aggregates
 * changed (nothing when they did not). HAVING and the SELECT list run in the same function, so a
 * group that stops (or starts) passing HAVING is a -D (or +I) rather than a lone -U: it folds to
 * the table Flink's does, and a -U is always followed by its +U.
 */
export function planGroupAggregate(input: DataStream<Row> | DataStream<Change>, scope: ScopeColumn[], select: Select, items: NamedItem[], updatingInput = false): PlannedGroupAggregate {
  // A GROUP BY item is a column or an expression (`GROUP BY DATE_FORMAT(ts, 'yyyy-MM-dd')`), which the SELECT list and HAVING may repeat.
  const groupCols = select.groupBy.map((g) => {
    if (g.kind !== "column") return { name: undefined, type: new ExprCompiler(scope).value(g).type, expr: g, signature: signature(g) };
    const c = scope.find((s) => s.name.toLowerCase() === g.name.toLowerCase() && (g.table === undefined || s.table?.toLowerCase() === g.table.toLowerCase()));
    if (!c) throw new StreamSqlError("validation", `Column '${g.name}' not found in any table`, g.at, g.name);
    return { name: c.name, type: c.type, expr: { kind: "column", name: c.name, at: select.at } as Expr, signature: undefined };
  });
  const names = groupCols.map((c) => c.name?.toLowerCase());
  const keyOf = new ExprCompiler(scope).rowFunction(groupCols.map((c) => c.expr)).fn;
  const groupIndex = (e: Expr): number => {
    if (e.kind === "column") return names.indexOf(e.name.toLowerCase());
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
    if (i >= 0) return { code: `r[${i}]`, type: { name: (groupCols[i] as { type: SqlType }).type.name } };
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
  /** Applies one input row (retract: a -U/-D of it) to a copy of the accumulators; `values[j]` is aggregate j's multiset. */
  const accumulate = (acc: Acc, r: Row, retract: boolean, values: (MapState<unknown, number> | undefined)[]): Acc => {
    const next: Acc = { keys: acc.keys, rows: acc.rows + (retract ? -1 : 1), n: [...acc.n], sum: [...acc.sum], min: [...acc.min], max: [...acc.max] };
    for (let j = 0; j < aggs.length; j++) {
      const a = aggs[j] as AggCall;
      const v = a.arg ? a.arg(r) : 1;
      if (v === null || v === undefined) continue;
      const multiset = values[j];
      if (retract) {
        if (multiset) {
          const left = (multiset.get(v) ?? 0) - 1;
          if (left > 0) multiset.put(v, left);
          else multiset.remove(v);
          if (a.distinct && left > 0) continue; // other rows still hold this value
          if (left <= 0 && (v === next.min[j] || v === next.max[j])) [next.min[j], next.max[j]] = bounds(multiset.keys());
        }
        next.n[j]! -= 1;
        if (typeof v === "number") next.sum[j]! -= v;
        continue;
      }
      if (multiset) {
        const had = multiset.get(v) ?? 0;
        multiset.put(v, had + 1);
        if (a.distinct && had > 0) continue; // counted already
      }
      next.n[j]! += 1;
      if (typeof v === "number") next.sum[j]! += v;
      if (next.min[j] === null || (v as number) < (next.min[j] as number)) next.min[j] = v;
      if (next.max[j] === null || (v as number) > (next.max[j] as number)) next.max[j] = v;
    }
    return next;
  };
  const sameAggregates = (a: Acc, b: Acc): boolean => {
    for (let j = 0; j < aggs.length; j++) {
      const { name, integralAvg } = aggs[j] as AggCall;
      if (aggregateValue(name, a, j, integralAvg) !== aggregateValue(name, b, j, integralAvg)) return false;
    }
    return true;
  };
  const result = (acc: Acc): Row => {
    const row: Row = [...acc.keys];
    for (let j = 0; j < aggs.length; j++) {
      const a = aggs[j] as AggCall;
      row.push(aggregateValue(a.name, acc, j, a.integralAvg));
    }
    return row;
  };

  const fn: KeyedProcessFunction<unknown, Row | Change, Change> & { acc?: ValueState<Acc>; values?: (MapState<unknown, number> | undefined)[] } = {
    open(rc) {
      this.acc = rc.getState<Acc>("acc");
      this.values = keepsValues.map((m, j) => (m ? rc.getMapState<unknown, number>(`values-${j}`) : undefined));
    },
    processElement(input, _ctx, out) {
      const state = this.acc as ValueState<Acc>;
      const values = this.values as (MapState<unknown, number> | undefined)[];
      const r = updatingInput ? (input as Change).row : (input as Row);
      const retract = updatingInput && ((input as Change).kind === "-U" || (input as Change).kind === "-D");
      const before = state.value();
      if (before === undefined && retract) return; // as Flink: a retraction of a group it has no state for
      const acc = accumulate(before ?? { keys: keyOf(r), rows: 0, n: aggs.map(() => 0), sum: aggs.map(() => 0), min: aggs.map(() => null), max: aggs.map(() => null) }, r, retract, values);
      if (acc.rows === 0) {
        // The group's last row was retracted: it leaves the result and its state is cleared.
        state.clear();
        for (const v of values) v?.clear();
        const prev = result(before as Acc);
        if (having(prev)) out.collect({ kind: "-D", row: project(prev) });
        return;
      }
      state.update(acc);
      if (before === undefined) {
        const next = result(acc);
        if (having(next)) out.collect({ kind: "+I", row: project(next) });
        return;
      }
      // As Flink: an input that leaves the aggregates as they were emits nothing (told before building any row).
      if (sameAggregates(before, acc)) return;
      const [prev, next] = [result(before), result(acc)];
      const [was, is] = [having(prev), having(next)];
      if (was && is) {
        out.collect({ kind: "-U", row: project(prev) });
        out.collect({ kind: "+U", row: project(next) });
      } else if (was) out.collect({ kind: "-D", row: project(prev) });
      else if (is) out.collect({ kind: "+I", row: project(next) });
    },
  };
  // A global aggregate is one group: every row goes to one key (Flink runs it at parallelism 1).
  const changes = stateDigest(
    (input as DataStream<Row | Change>)
      .keyBy(g === 0 ? () => "" : (v) => groupKey(keyOf(updatingInput ? (v as Change).row : (v as Row))))
      .process(fn)
      .name(g === 0 ? "GroupAggregate(global)" : `GroupAggregate(groupBy=[${groupCols.map((c, i) => c.name ?? `$f${i}`).join(", ")}])`),
    // keys: how a group's state key is made (an older build's JSON keys must not restore into it).
    JSON.stringify({ groupBy: groupCols.map((c, i) => names[i] ?? c.signature), aggs: aggs.map((a) => a.signature), keepsValues, keys: "groupKey/2" }),
  );
  return { changes, columns, uniqueKey };
}

/** One group column's value is its own key (the engine hashes it as it is, NULL one group too); several, one string of them without JSON. */
function groupKey(keys: Row): unknown {
  if (keys.length !== 1) return recordKeyOf(keys);
  const k = keys[0];
  return typeof k === "object" && k !== null && !(k instanceof Date) ? recordKeyOf(keys) : (k ?? null);
}

/** The least and greatest of a multiset's values (null when empty). */
function bounds(values: Iterable<unknown>): [unknown, unknown] {
  let lo: unknown = null;
  let hi: unknown = null;
  for (const v of values) {
    if (lo === null || (v as number) < (lo as number)) lo = v;
    if (hi === null || (v as number) > (hi as number)) hi = v;
  }
  return [lo, hi];
}
