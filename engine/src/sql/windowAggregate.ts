import { declareRowType, rowTypeOf } from "../exchange/edgeCodec.js";
import { aggregateArgument } from "./aggregates/aggregateArgument.js";
import { aggregateResultType } from "./aggregates/aggregateType.js";
import type { DataStream } from "../api/DataStream.js";
import type { WindowedStream } from "../api/WindowedStream.js";
import type { WindowAssigner } from "../windows/WindowAssigner.js";
import type { AggregateFunction } from "../windows/AggregateFunction.js";
import { gcd } from "../math/integers.js";
import { children, type Expr, type Select } from "./ast.js";
import type { Column } from "./catalog.js";
import { ExprCompiler, type Compiled, type ScopeColumn } from "./compiler.js";
import type { Row } from "./connectors.js";
import { StreamSqlError } from "./errors.js";
import { windowAggregateReads } from "./parallel/columnsRead.js";
import { type FiredEnds, projectedFiredEnds } from "./joins/firedWindowEnds.js";
import { stateDigest, uidAsAtParallelismOne } from "./restore/planUids.js";
import type { NamedItem } from "./selectItems.js";
import { isIntegral, type SqlType } from "./types.js";
import { readsWindowColumn, WINDOW_COLUMNS } from "./windowTvf.js";
import { accKeys, accValue, addValue, createWindowAcc, mergeAcc, setAccKeys, type WindowAcc } from "./windows/windowAccumulator.js";
import { scalarAccumulator } from "./windows/scalarAccumulator.js";
import { retractAccValue, type RetractCall } from "./windows/retractWindowAccumulator.js";
import { type ChangesInput, windowOperatorOverChanges } from "./windows/windowOverChanges.js";
import { LocalWindowAggregateOperator, mergingPartials, type Partial } from "../operators/LocalWindowAggregate.js";
import { partialKey } from "../graph/preAggregation.js";
import { aggPhaseStrategyOf } from "./windows/aggPhaseStrategy.js";
import { attachedWindows, projectedWindowProperties, resolveColumn, type WindowProperties } from "./windows/windowProperties.js";
import { type WindowAggregateRows, type WindowExtreme, type WindowGroups, type WindowMax, windowExtremeOf, windowGroups, windowMaxOf } from "./windows/fusedShapes.js";
import { bulkRowSource } from "../windows/bulkTuple.js";

interface AggCall {
  expr: Extract<Expr, { kind: "call" }>;
  signature: string;
  arg: ((r: Row) => unknown) | undefined;
  type: SqlType;
  integralAvg: boolean;
}

/** An expression without its positions, to recognise the same aggregate in SELECT and HAVING. */
const signature = (e: Expr): string => JSON.stringify(e, (k, v: unknown) => (k === "at" ? undefined : v));

/** A window aggregate's input: its rows (or, over an updating input, its changes), their scope, and how they are windowed. */
export type WindowAggregateInput = WindowedInput & ({ stream: DataStream<Row>; changes?: undefined } | { stream?: undefined; changes: ChangesInput });

interface WindowedInput {
  scope: ScopeColumn[];
  assigner: WindowAssigner;
  /** Scope indexes of window_start, window_end and (over a TVF) window_time. */
  bounds: { start: number; end: number; time?: number };
  /**
   * The rows carry their windows' bounds (a GROUP BY on an upstream window's bounds, `attachedWindows`);
   * otherwise the bounds are the TVF's, which the operator assigns, so the rows do not have them.
   */
  attached: boolean;
  /** The windows, for the output's window properties; none for SESSION. */
  window: WindowProperties["tvf"] | undefined;
  partitionBy?: string[];
  /** The input rows as columns of another stream's rows (`WindowAggregateRows`), for `windowMax`. */
  rowsOf?: WindowAggregateRows;
}

/**
 * `SELECT … FROM TABLE(TUMBLE|HOP|CUMULATE|SESSION(…)) GROUP BY window_start, window_end, k…`: a
 * keyed event-time window per group (the DataStream API's window operator with `assigner`),
 * incremental COUNT/SUM/MIN/MAX/AVG, then the SELECT list and HAVING over [group columns…,
 * aggregates…]. Results are final (append-only): one row per window and group once the watermark
 * passes window_end, as Flink's window aggregate. SESSION windows are cut per `partitionBy` key
 * (Flink's PARTITION BY), so the group keys must be among the partition keys. A GROUP BY on the
 * bounds of an upstream window aggregate's rows is the same over those rows' own windows (Flink's
 * cascading window aggregate). Equal window aggregates of one plan (input, WHERE, keys, aggregates)
 * share one operator, as Flink's planner reuses a common sub-plan (nexmark q5 counts bids per auction
 * twice in its text, once in its plan).
 */
export function planWindowAggregate(
  input: WindowAggregateInput,
  select: Select,
  items: NamedItem[],
): {
  stream: DataStream<Row>;
  columns: Column[];
  window?: WindowProperties;
  firedEnds?: FiredEnds;
  groups?: WindowGroups;
  projection?: WindowAggregateRows;
  windowMax?: WindowMax;
  extreme?: WindowExtreme;
} {
  const { scope, assigner, bounds, partitionBy } = input;
  const groupCols = select.groupBy.map((g) => {
    if (g.kind !== "column") throw new StreamSqlError("unsupported", "GROUP BY expressions other than columns are not supported yet", g.at, undefined);
    const c = resolveColumn(g, scope) ?? scope.find((s) => s.name.toLowerCase() === g.name.toLowerCase());
    if (!c) throw new StreamSqlError("validation", `Column '${g.name}' not found in any table`, g.at, g.name);
    return c;
  });
  const names = groupCols.map((c) => c.name.toLowerCase());
  if (!groupCols.some((c) => c.index === bounds.start) || !groupCols.some((c) => c.index === bounds.end))
    throw new StreamSqlError("validation", "a window aggregate must GROUP BY window_start, window_end", select.at, "GROUP");
  const isBound = (c: ScopeColumn): boolean => c.index === bounds.start || c.index === bounds.end || c.index === bounds.time;
  const keyCols = groupCols.filter((c) => !isBound(c));
  const keyOf = new ExprCompiler(scope).rowFunction(keyCols.map((c) => ({ kind: "column", name: c.name, ...(c.table ? { table: c.table } : {}), at: select.at }))).fn;
  // Sessions are cut per partition key; other windows per group key.
  let partitionCols = keyCols;
  if (partitionBy) {
    const sessionCols = partitionBy.map((name) => {
      const c = scope.find((s) => s.name.toLowerCase() === name.toLowerCase() && !WINDOW_COLUMNS.includes(s.name.toLowerCase()));
      if (!c) throw new StreamSqlError("validation", `Column '${name}' not found in any table`, select.from.at, name);
      return c;
    });
    const outside = keyCols.find((k) => !sessionCols.includes(k));
    if (outside)
      throw new StreamSqlError(
        "unsupported",
        `GROUP BY ${outside.name} over SESSION windows not partitioned by it is not supported yet (Flink gives updating results there); add it to PARTITION BY`,
        select.at,
        outside.name,
      );
    partitionCols = sessionCols;
  }

  const aggs: AggCall[] = [];
  const collect = (e: Expr): void => {
    if (e.kind === "call" && ["COUNT", "SUM", "MIN", "MAX", "AVG"].includes(e.name)) {
      const sig = signature(e);
      if (aggs.some((a) => a.signature === sig)) return;
      if (!input.attached && children(e).some(readsWindowColumn)) throw new StreamSqlError("unsupported", `${e.name} of window columns is not supported yet`, e.at, e.name);
      const arg = aggregateArgument(e, scope);
      const argType = arg.type;
      const type: SqlType = aggregateResultType(e.name, argType);
      aggs.push({ expr: e, signature: sig, arg: arg.fn, type, integralAvg: e.name === "AVG" && isIntegral(argType) });
      return;
    }
    for (const child of children(e)) collect(child);
  };
  items.forEach((i) => collect(i.expr));
  if (select.having) collect(select.having);

  const distinct = aggs.map((a) => a.expr.distinct === true);
  // Where the group's key is the window operator's key itself (see windowKey), it comes with each firing: the
  // accumulator need not keep a copy; with one COUNT/SUM/MIN/MAX the accumulator is then its value alone.
  const keyIsWindowKey = !partitionBy && keyCols.length <= 1 && keyCols.every(isPrimitive);
  const only = aggs.length === 1 ? (aggs[0] as AggCall) : undefined;
  const scalar = keyIsWindowKey && only && !input.changes ? scalarAccumulator(only.expr.name, distinct[0] === true) : undefined;
  const agg: AggregateFunction<Row, unknown, unknown> =
    scalar && only
      ? { createAccumulator: () => scalar.initial, add: (r, acc) => scalar.add(acc, only.arg ? only.arg(r) : 1), getResult: (acc) => acc, merge: scalar.merge }
      : {
          createAccumulator: () => createWindowAcc(distinct),
          add(r, acc) {
            if (!keyIsWindowKey && accKeys(acc as WindowAcc) === null) setAccKeys(acc as WindowAcc, keyOf(r));
            for (let j = 0; j < aggs.length; j++) {
              const a = aggs[j] as AggCall;
              addValue(acc as WindowAcc, j, a.arg ? a.arg(r) : 1);
            }
            return acc;
          },
          getResult: (acc) => acc,
          merge: (a, b) => mergeAcc(a as WindowAcc, b as WindowAcc, aggs.length),
        };
  const retractCalls: RetractCall[] = aggs.map((a, j) => ({ name: a.expr.name, arg: a.arg, integralAvg: a.integralAvg, distinct: distinct[j] === true }));
  const result = input.changes
    ? (acc: unknown, j: number): unknown => retractAccValue(acc as unknown[], j, retractCalls[j] as RetractCall)
    : (acc: unknown, j: number): unknown => {
        if (scalar) return acc;
        const a = aggs[j] as AggCall;
        return accValue(acc as WindowAcc, j, a.expr.name, a.integralAvg);
      };
  const keyIndexes = groupCols.map((c) => keyCols.indexOf(c));
  const g = groupCols.length;
  // Each item as the output column it is, where it is one as it is: group column i at i, aggregate j at g + j.
  const outputColumn = (e: Expr): number | undefined => {
    if (e.kind === "column") {
      const i = names.indexOf(e.name.toLowerCase());
      return i < 0 ? undefined : i;
    }
    const j = e.kind === "call" ? aggs.findIndex((a) => a.signature === signature(e)) : -1;
    return j < 0 ? undefined : g + j;
  };
  // `key`: how keys are encoded (windowKey), `acc` the accumulator's layout (windowAccumulator.ts): both shape the state.
  const digest = JSON.stringify({ window: assigner.toString(), partitionBy, groupBy: names, aggs: aggs.map((a) => a.signature), key: 2, acc: input.changes ? "retract" : scalar ? 3 : 2 });
  const reuseKey = `${digest} WHERE ${select.where ? signature(select.where) : ""}`;
  const from: object = input.changes ? input.changes.stream : input.stream;
  const shared = sharedAggregates.get(from) ?? new Map<string, SharedAggregate>();
  sharedAggregates.set(from, shared);
  let planned = shared.get(reuseKey);
  if (!planned && input.changes) {
    const layout = Array.from({ length: g + aggs.length }, (_, c) => c);
    const build = outputRow(layout, groupSources(groupCols, bounds, keyIndexes), aggs.length, { eventTime: assigner.isEventTime, keyIsWindowKey, scalar: false }, result);
    if (select.where && !input.attached && readsWindowColumn(select.where))
      throw new StreamSqlError("unsupported", "WHERE on window columns of a window aggregate is not supported yet", select.where.at, "WHERE");
    const where = select.where && new ExprCompiler(scope).predicate(select.where);
    const key = windowKey(partitionCols);
    const keys = keyIsWindowKey ? undefined : keyOf;
    // Named as Flink's EXPLAIN shows it: its retracting aggregate functions (COUNT_RETRACT, SUM_RETRACT, MAX_RETRACT, …).
    const text = (a: AggCall): string => {
      const arg = a.expr.star ? "*" : a.expr.args[0]?.kind === "column" ? a.expr.args[0].name : "$f";
      return `${a.expr.name}_RETRACT(${a.expr.distinct ? "DISTINCT " : ""}${arg})`;
    };
    const name = `WindowAggregate(groupBy=[${keyCols.map((c) => c.name).join(", ")}], window=[${assigner.toString()}], select=[${aggs.map(text).join(", ")}])`;
    planned = { stream: stateDigest(windowOperatorOverChanges(input.changes, where, key, assigner, retractCalls, keys, build).name(name), digest), layout };
    shared.set(reuseKey, planned);
  }
  if (!planned) {
    const inputRows = input.stream as DataStream<Row>;
    let rows = inputRows;
    if (select.where) {
      if (!input.attached && readsWindowColumn(select.where)) throw new StreamSqlError("unsupported", "WHERE on window columns of a window aggregate is not supported yet", select.where.at, "WHERE");
      rows = rows.filter(new ExprCompiler(scope).predicate(select.where)).name("WHERE");
      // The keyed edge after it crosses threads as columns of the input's row type.
      const rowType = rowTypeOf(inputRows.node);
      if (rowType) declareRowType(rows, rowType);
    }
    const sources = groupSources(groupCols, bounds, keyIndexes);
    // The row in the order the SELECT list shows it where that is every group column and aggregate once (nexmark q5's
    // `auction, count(*), window_start, window_end`): no SELECT operator and no second row per group and window.
    const shown = items.map((i) => outputColumn(i.expr));
    const layout =
      !select.having && shown.length === g + aggs.length && new Set(shown).size === shown.length && shown.every((c) => c !== undefined)
        ? (shown as number[])
        : Array.from({ length: g + aggs.length }, (_, c) => c);
    const build = outputRow(layout, sources, aggs.length, { eventTime: assigner.isEventTime, keyIsWindowKey, scalar: scalar !== undefined }, result);
    // At parallelism > 1 a window aggregate whose aggregates merge may run in two phases, as Flink's
    // TwoStageOptimizedWindowAggregateRule plans it (`table.optimizer.agg-phase-strategy`). Grouped by its window
    // alone: partials per window before the exchange, where one phase sends every row of a window to one subtask
    // (nexmark q7). With group keys over TUMBLE/HOP: partials per (key, slice), as Flink's slice_end partials
    // (nexmark q5's COUNT per auction: one row per auction and 2 s slice crosses, not every bid; on a quiet machine
    // q5's p=2 ev/CPU-s +11 %, RESULTS.md session 17). Over a cascade one phase is kept: q5's MAX over the counts
    // ran at 0.88-0.96x in two (session 12).
    const strategy = aggPhaseStrategyOf(rows.env);
    const grid = assigner.aligned;
    const slice = keyCols.length > 0 && strategy !== "ONE_PHASE" && grid !== undefined && grid.windowOf === undefined ? gcd(grid.size, grid.slide) : undefined;
    const twoPhase =
      rows.env.parallelism > 1 &&
      strategy !== "ONE_PHASE" &&
      (keyCols.length === 0 || slice !== undefined) &&
      !input.attached &&
      assigner.isEventTime &&
      !partitionBy &&
      input.window !== undefined &&
      !distinct.includes(true);
    const local = twoPhase
      ? uidAsAtParallelismOne(
          rows.transform<Partial>("LocalWindowAggregate", (ctx) => new LocalWindowAggregateOperator(assigner, windowKey(partitionCols), agg, ctx, slice)),
          "transparent",
        )
      : undefined;
    // In its input's subtasks, as Flink chains it: the global phase then sees the watermarks of the input's subtasks,
    // as one phase does, so a row late at p=1 is late there too (a file read by one subtask: lateRows.test.ts).
    const inputParallelism = rows.node.parallelism;
    if (local && inputParallelism !== undefined) local.setParallelism(inputParallelism);
    // A window's partial names its window; a slice's lies in the windows of its slice, which the query's assigner gives.
    const keyed: WindowedStream<Row, unknown> = local
      ? (local.keyBy(partialKey).window(slice !== undefined ? assigner : attachedWindows({ tvf: input.window as WindowProperties["tvf"], start: 0, end: 1 })) as unknown as WindowedStream<
          Row,
          unknown
        >)
      : rows.keyBy(windowKey(partitionCols)).window(assigner);
    const phase = twoPhase ? mergingPartials(agg as AggregateFunction<unknown, unknown, unknown>) : agg;
    const windowed = stateDigest(
      (twoPhase ? keyed.onePhase().anyKeyOrder() : keyed.onePhase())
        .aggregate<unknown, unknown, Row>(phase as AggregateFunction<Row, unknown, unknown>, (key, ctx, accs, out) => out.collect(build(key, ctx.window, accs[0], ctx)))
        .name(twoPhase ? "GlobalWindowAggregate" : "window aggregate"),
      digest,
    );
    // The global phase holds the one phase's state (same key, windows and accumulators): its uid is the one phase's,
    // so a savepoint restores between p=1 and p>1.
    if (twoPhase) uidAsAtParallelismOne(windowed, { name: "window aggregate" });
    // The first operator to read the rows (the local phase: its input crosses threads where the source's
    // parallelism differs) reads of them only its keys and its aggregates' arguments.
    windowAggregateReads(
      windowed,
      [...partitionCols, ...keyCols],
      aggs.map((a) => a.expr),
      scope,
      input.attached ? [bounds.start, bounds.end, ...(bounds.time === undefined ? [] : [bounds.time])] : [],
    );
    planned = { stream: windowed, layout };
    shared.set(reuseKey, planned);
  }

  // The SELECT list and HAVING see group column i and aggregate j where the operator's row has them (its layout).
  const at = new Map(planned.layout.map((c, position) => [c, position]));
  const override = (e: Expr): Compiled | undefined => {
    if (e.kind === "column") {
      const i = names.indexOf(e.name.toLowerCase());
      if (i < 0) throw new StreamSqlError("validation", `Expression '${e.name}' is not being grouped`, e.at, e.name);
      const { name, params, nullable } = (groupCols[i] as ScopeColumn).type;
      return { code: `r[${at.get(i)}]`, type: { name, ...(params ? { params } : {}), ...(nullable === false ? { nullable } : {}) } }; // window_start/end stay TIMESTAMP(3) NOT NULL, as in Flink
    }
    if (e.kind === "call") {
      const j = aggs.findIndex((a) => a.signature === signature(e));
      if (j >= 0) return { code: `r[${at.get(g + j)}]`, type: (aggs[j] as AggCall).type };
    }
    return undefined;
  };
  let stream: DataStream<Row> = planned.stream;
  if (select.having) stream = stream.filter(new ExprCompiler([], override).predicate(select.having)).name("HAVING");
  const { fn, types } = new ExprCompiler([], override).rowFunction(items.map((i) => i.expr));
  // window_time stays a time attribute: a rowtime (the window operator stamps its rows with end - 1), so a later window
  // can group on it; after processing-time windows a processing-time attribute, its value the clock at the firing (Flink
  // materializes it as the processing time when the row is emitted).
  const isTime = (e: Expr): boolean => e.kind === "column" && e.name.toLowerCase() === "window_time";
  const attribute = assigner.isEventTime ? { rowtime: true } : { params: [3], nullable: false, proctime: true };
  const columns = items.map((i, n) => ({ name: i.name, type: { ...(types[n] ?? { name: "NULL" }), ...(isTime(i.expr) ? attribute : {}) } }));
  // The output keeps the windows' properties where it shows both bounds as they are (q5's MAX per window, q8's window join).
  const window = input.window && { tvf: input.window, start: bounds.start, end: bounds.end };
  const grouped = (e: Expr): number | undefined => (e.kind === "column" ? groupCols[names.indexOf(e.name.toLowerCase())]?.index : undefined);
  const properties = projectedWindowProperties(
    window,
    items.map((i) => i.expr),
    grouped,
  );
  // window_end of an event-time window is ahead of the watermark when its row comes (joins/firedWindowEnds.ts).
  const firedEnds = assigner.isEventTime ? projectedFiredEnds([bounds.end], items, grouped) : undefined;
  // A SELECT list that is the aggregate's row as it is (nexmark q8's sides: the group columns in order) needs no operator.
  const identity = items.length === g + aggs.length && items.every((item, n) => override(item.expr)?.code === `r[${n}]`);
  const out = identity ? stream : stream.map(fn).name("SELECT");
  // Groups alone, each the operator's row as it is: a window join over them may hold them itself (joins/windowGroupJoin.ts).
  const distinctOnly = identity && aggs.length === 0 && !select.having && !select.where && !partitionBy && !input.attached && input.window !== undefined;
  const groups = distinctOnly && !input.changes ? windowGroups(out, planned.layout, input, groupCols, keyCols, digest) : undefined;
  // Each output column the operator's column as it is (identity, or a SELECT of columns): a later MAX over these rows may say so.
  const plain = select.having ? undefined : items.map((item) => /^r\[(\d+)\]$/.exec(override(item.expr)?.code ?? "")?.[1]);
  const projection = plain?.every((c) => c !== undefined) && !input.changes ? { output: out, of: planned.stream, columns: plain.map(Number) } : undefined;
  const max = identity && !select.where && !input.changes ? windowMaxOf(out, input, aggs, groupCols, planned.layout) : undefined;
  // One MAX or MIN of an input column per TUMBLE window alone: rows beaten in their window may be left out of its input.
  const extreme = windowExtremeOf(input, out, aggs, keyCols, select, (rows) => planWindowAggregate({ ...input, stream: rows, changes: undefined }, select, items).stream);
  return {
    stream: out,
    columns,
    ...(properties ? { window: properties } : {}),
    ...(firedEnds ? { firedEnds } : {}),
    ...(groups ? { groups } : {}),
    ...(projection ? { projection } : {}),
    ...(max ? { windowMax: max } : {}),
    ...(extreme ? { extreme } : {}),
  };
}

/**
 * The window operator's key of a row: one column's value itself where it is a primitive (the engine
 * hashes numbers, strings, booleans and NULL as they are), no key at all as one constant, else the
 * columns' JSON. A key per row costs no array and no string in the common cases (nexmark q5's
 * `GROUP BY auction, window_start, window_end`, its `MAX … GROUP BY starttime, endtime`).
 */
function windowKey(cols: ScopeColumn[]): (r: Row) => unknown {
  const only = cols[0];
  if (cols.length === 0) return () => "";
  if (cols.length === 1 && only && isPrimitive(only)) {
    const i = only.index;
    return (r) => r[i] ?? null;
  }
  const indexes = cols.map((c) => c.index);
  return (r) => JSON.stringify(indexes.map((i) => r[i] ?? null));
}

/** A column whose values key the window operator as they are (not a ROW). */
const isPrimitive = (c: ScopeColumn): boolean => c.type.name !== "ROW" && !c.type.fields;

/** A window aggregate's operator and its row: output column `layout[p]` (group column i as i, aggregate j as g + j) at p. */
interface SharedAggregate {
  stream: DataStream<Row>;
  layout: number[];
}

/** Window aggregates planned over each input stream, by what they compute: equal ones share one operator. */
const sharedAggregates = new WeakMap<object, Map<string, SharedAggregate>>();

/** What each group column of the output row is: the window's start (-1), end (-2) or time (-3), or key column k. */
function groupSources(groupCols: ScopeColumn[], bounds: WindowAggregateInput["bounds"], keyIndexes: number[]): number[] {
  return groupCols.map((c, i) => (c.index === bounds.start ? -1 : c.index === bounds.end ? -2 : c.index === bounds.time ? -3 : (keyIndexes[i] as number)));
}

/**
 * The operator's row of a group and window, generated as one array of its final length in `layout`'s order
 * (made by `new Array(n)`, not a literal, so V8 cannot pretenure it: windows/bulkTuple.ts): `sources[i]` says
 * what group column i is (-1 window_start, -2 window_end, -3 window_time, else key column k), aggregates follow.
 * A row built by `map` then grown by `push` for its aggregates took a second, larger backing store (nexmark q5: a
 * row per auction and window, ~4× the DataStream q5's bytes there).
 */
export function outputRow(
  layout: number[],
  sources: number[],
  aggregates: number,
  shape: { eventTime: boolean; keyIsWindowKey: boolean; scalar: boolean },
  result: (acc: unknown, j: number) => unknown,
): (key: unknown, window: { start: number; end: number }, acc: unknown, ctx: { currentProcessingTime(): number }) => Row {
  const column = (c: number): string => {
    if (c >= sources.length) return shape.scalar ? "acc" : `result(acc, ${c - sources.length})`;
    const k = sources[c] as number;
    if (k === -3) return shape.eventTime ? "w.end - 1" : "ctx.currentProcessingTime()";
    return k === -1 ? "w.start" : k === -2 ? "w.end" : shape.keyIsWindowKey ? "key" : `accKeys(acc)?.[${k}]`;
  };
  if (layout.length !== sources.length + aggregates) throw new Error(`a window aggregate's row of ${layout.length} columns for ${sources.length + aggregates}`);
  return new Function("result", "accKeys", `"use strict"; return (key, w, acc, ctx) => ${bulkRowSource(layout.map(column))};`)(result, accKeys);
}
