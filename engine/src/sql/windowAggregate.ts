import { aggregateArgument } from "./aggregates/aggregateArgument.js";
import { aggregateResultType } from "./aggregates/aggregateType.js";
import { aggregateValue } from "./aggregateValue.js";
import type { DataStream } from "../api/DataStream.js";
import type { WindowAssigner } from "../windows/WindowAssigner.js";
import type { AggregateFunction } from "../windows/AggregateFunction.js";
import { children, type Expr, type Select } from "./ast.js";
import type { Column } from "./catalog.js";
import { ExprCompiler, type Compiled, type ScopeColumn } from "./compiler.js";
import type { Row } from "./connectors.js";
import { StreamSqlError } from "./errors.js";
import { stateDigest } from "./restore/planUids.js";
import type { NamedItem } from "./planner.js";
import { isIntegral, type SqlType } from "./types.js";
import { readsWindowColumn, WINDOW_COLUMNS } from "./windowTvf.js";

interface AggCall {
  expr: Extract<Expr, { kind: "call" }>;
  signature: string;
  arg: ((r: Row) => unknown) | undefined;
  type: SqlType;
  integralAvg: boolean;
}

interface Acc {
  keys: Row | undefined;
  /** Per aggregate: count, sum, min, max of the non-NULL argument values. */
  n: number[];
  sum: number[];
  min: unknown[];
  max: unknown[];
  /** Per DISTINCT aggregate, the values seen in the window by their JSON (a plain record, so the window state snapshots it). */
  seen: (Record<string, unknown> | null)[];
}

/** Adds one argument value to aggregate j (NULL is skipped; a DISTINCT aggregate skips a value it has seen). */
function addValue(acc: Acc, j: number, v: unknown): void {
  if (v === null || v === undefined) return;
  const seen = acc.seen[j];
  if (seen) {
    const key = JSON.stringify(v);
    if (key in seen) return;
    seen[key] = v;
  }
  acc.n[j]! += 1;
  if (typeof v === "number") acc.sum[j]! += v;
  if (acc.min[j] === null || (v as number) < (acc.min[j] as number)) acc.min[j] = v;
  if (acc.max[j] === null || (v as number) > (acc.max[j] as number)) acc.max[j] = v;
}

/** An expression without its positions, to recognise the same aggregate in SELECT and HAVING. */
const signature = (e: Expr): string => JSON.stringify(e, (k, v: unknown) => (k === "at" ? undefined : v));

/**
 * `SELECT … FROM TABLE(TUMBLE|HOP|CUMULATE|SESSION(…)) GROUP BY window_start, window_end, k…`: a
 * keyed event-time window per group (the DataStream API's window operator with `assigner`),
 * incremental COUNT/SUM/MIN/MAX/AVG, then the SELECT list and HAVING over [group columns…,
 * aggregates…]. Results are final (append-only): one row per window and group once the watermark
 * passes window_end, as Flink's window aggregate. SESSION windows are cut per `partitionBy` key
 * (Flink's PARTITION BY), so the group keys must be among the partition keys.
 */
export function planWindowAggregate(
  input: DataStream<Row>,
  scope: ScopeColumn[],
  select: Select,
  items: NamedItem[],
  assigner: WindowAssigner,
  partitionBy?: string[],
): { stream: DataStream<Row>; columns: Column[] } {
  const groupCols = select.groupBy.map((g) => {
    if (g.kind !== "column") throw new StreamSqlError("unsupported", "GROUP BY expressions other than columns are not supported yet", g.at, undefined);
    const c = scope.find((s) => s.name.toLowerCase() === g.name.toLowerCase());
    if (!c) throw new StreamSqlError("validation", `Column '${g.name}' not found in any table`, g.at, g.name);
    return c;
  });
  const names = groupCols.map((c) => c.name.toLowerCase());
  if (!names.includes("window_start") || !names.includes("window_end")) throw new StreamSqlError("validation", "a window aggregate must GROUP BY window_start, window_end", select.at, "GROUP");
  const keyCols = groupCols.filter((c) => !WINDOW_COLUMNS.includes(c.name.toLowerCase()));
  const keyOf = new ExprCompiler(scope).rowFunction(keyCols.map((c) => ({ kind: "column", name: c.name, at: select.at }))).fn;
  // Sessions are cut per partition key; other windows per group key.
  let partitionOf = keyOf;
  if (partitionBy) {
    const partitionCols = partitionBy.map((name) => {
      const c = scope.find((s) => s.name.toLowerCase() === name.toLowerCase() && !WINDOW_COLUMNS.includes(s.name.toLowerCase()));
      if (!c) throw new StreamSqlError("validation", `Column '${name}' not found in any table`, select.from.at, name);
      return c;
    });
    const outside = keyCols.find((k) => !partitionCols.includes(k));
    if (outside)
      throw new StreamSqlError(
        "unsupported",
        `GROUP BY ${outside.name} over SESSION windows not partitioned by it is not supported yet (Flink gives updating results there); add it to PARTITION BY`,
        select.at,
        outside.name,
      );
    partitionOf = new ExprCompiler(scope).rowFunction(partitionCols.map((c) => ({ kind: "column", name: c.name, at: select.at }))).fn;
  }

  const aggs: AggCall[] = [];
  const collect = (e: Expr): void => {
    if (e.kind === "call" && ["COUNT", "SUM", "MIN", "MAX", "AVG"].includes(e.name)) {
      const sig = signature(e);
      if (aggs.some((a) => a.signature === sig)) return;
      if (children(e).some(readsWindowColumn)) throw new StreamSqlError("unsupported", `${e.name} of window columns is not supported yet`, e.at, e.name);
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

  const agg: AggregateFunction<Row, Acc, Acc> = {
    createAccumulator: () => ({
      keys: undefined,
      n: aggs.map(() => 0),
      sum: aggs.map(() => 0),
      min: aggs.map(() => null),
      max: aggs.map(() => null),
      seen: aggs.map((a) => (a.expr.distinct ? {} : null)),
    }),
    add(r, acc) {
      acc.keys ??= keyOf(r);
      for (let j = 0; j < aggs.length; j++) {
        const a = aggs[j] as AggCall;
        addValue(acc, j, a.arg ? a.arg(r) : 1);
      }
      return acc;
    },
    getResult: (acc) => acc,
    // Session windows merge: counts and sums add, extremes compare (NULL = no value yet).
    merge(a, b) {
      a.keys ??= b.keys;
      for (let j = 0; j < aggs.length; j++) {
        const seen = b.seen[j];
        if (seen) {
          // DISTINCT: the union of both windows' values, each counted once.
          for (const v of Object.values(seen)) addValue(a, j, v);
          continue;
        }
        a.n[j]! += b.n[j] as number;
        a.sum[j]! += b.sum[j] as number;
        if (b.min[j] !== null && (a.min[j] === null || (b.min[j] as number) < (a.min[j] as number))) a.min[j] = b.min[j];
        if (b.max[j] !== null && (a.max[j] === null || (b.max[j] as number) > (a.max[j] as number))) a.max[j] = b.max[j];
      }
      return a;
    },
  };
  const result = (acc: Acc, j: number): unknown => {
    const a = aggs[j] as AggCall;
    return aggregateValue(a.expr.name, acc, j, a.integralAvg);
  };
  const keyIndexes = groupCols.map((c) => keyCols.indexOf(c));
  const windowed = stateDigest(
    input
      .keyBy((r) => JSON.stringify(partitionOf(r)))
      .window(assigner)
      .aggregate<Acc, Acc, Row>(agg, (_key, ctx, accs, out) => {
        const acc = accs[0] as Acc;
        const { start, end } = ctx.window;
        const row: Row = groupCols.map((c, i) => {
          const name = c.name.toLowerCase();
          if (name === "window_time") return assigner.isEventTime ? end - 1 : ctx.currentProcessingTime();
          return name === "window_start" ? start : name === "window_end" ? end : acc.keys?.[keyIndexes[i] as number];
        });
        for (let j = 0; j < aggs.length; j++) row.push(result(acc, j));
        out.collect(row);
      })
      .name("window aggregate"),
    JSON.stringify({ window: assigner.toString(), partitionBy, groupBy: names, aggs: aggs.map((a) => a.signature) }),
  );

  // The SELECT list and HAVING see group columns at 0..g-1 and aggregates at g..
  const g = groupCols.length;
  const override = (e: Expr): Compiled | undefined => {
    if (e.kind === "column") {
      const i = names.indexOf(e.name.toLowerCase());
      if (i < 0) throw new StreamSqlError("validation", `Expression '${e.name}' is not being grouped`, e.at, e.name);
      const { name, params, nullable } = (groupCols[i] as ScopeColumn).type;
      return { code: `r[${i}]`, type: { name, ...(params ? { params } : {}), ...(nullable === false ? { nullable } : {}) } }; // window_start/end stay TIMESTAMP(3) NOT NULL, as in Flink
    }
    if (e.kind === "call") {
      const j = aggs.findIndex((a) => a.signature === signature(e));
      if (j >= 0) return { code: `r[${g + j}]`, type: (aggs[j] as AggCall).type };
    }
    return undefined;
  };
  let stream: DataStream<Row> = windowed;
  if (select.having) stream = stream.filter(new ExprCompiler([], override).predicate(select.having)).name("HAVING");
  const { fn, types } = new ExprCompiler([], override).rowFunction(items.map((i) => i.expr));
  // window_time stays a time attribute: a rowtime (the window operator stamps its rows with end - 1), so a later window
  // can group on it; after processing-time windows a processing-time attribute, its value the clock at the firing (Flink
  // materializes it as the processing time when the row is emitted).
  const isTime = (e: Expr): boolean => e.kind === "column" && e.name.toLowerCase() === "window_time";
  const attribute = assigner.isEventTime ? { rowtime: true } : { params: [3], nullable: false, proctime: true };
  const columns = items.map((i, n) => ({ name: i.name, type: { ...(types[n] ?? { name: "NULL" }), ...(isTime(i.expr) ? attribute : {}) } }));
  return { stream: stream.map(fn).name("SELECT"), columns };
}
