/**
 * What an operator fused after a window aggregate reads off it (joins/planWindowMaxJoin.ts, joins/planWindowTopPrune.ts,
 * joins/planWindowGroupJoin.ts): its rows as columns of its operator's row, a MAX per window over such rows, a MAX or
 * MIN per TUMBLE window alone, its groups when it has no aggregate function. Each is undefined where the aggregate is
 * not that shape; the planner then keeps Flink's plan.
 */
import type { DataStream } from "../../api/DataStream.js";
import type { Expr, Select } from "../ast.js";
import type { ScopeColumn } from "../compiler.js";
import type { Row } from "../connectors.js";
import { isIntegral, type SqlType } from "../types.js";
import type { WindowAggregateInput } from "../windowAggregate.js";
import { resolveColumn } from "./windowProperties.js";

/** The part of an aggregate call the shapes read. */
export interface AggregateCall {
  expr: Extract<Expr, { kind: "call" }>;
  type: SqlType;
}

/** A relation whose rows are columns of a window aggregate's rows as they are: output column n is `columns[n]` of `of`'s row. */
export interface WindowAggregateRows {
  /** The relation's stream these describe: a relation whose stream is another (a filter after it) is not these rows. */
  output: DataStream<Row>;
  of: DataStream<Row>;
  columns: number[];
}

/**
 * `SELECT MAX(v), window_start, window_end FROM R GROUP BY window_start, window_end` over a window aggregate's
 * rows R, without WHERE or HAVING, its row as the operator makes it (`output`): which column of R's rows (`of`)
 * is v, window_start and window_end, and where the MAX and the bounds are in the output row (joins/planWindowMaxJoin.ts).
 */
export interface WindowMax {
  output: DataStream<Row>;
  of: DataStream<Row>;
  value: number;
  start: number;
  end: number;
  at: { max: number; start: number; end: number; width: number };
}

/** `WindowMax` of a cascaded window aggregate, where it is one: a MAX of an integral column over rows that are another window aggregate's columns. */
export function windowMaxOf(output: DataStream<Row>, input: WindowAggregateInput, aggs: readonly AggregateCall[], groupCols: ScopeColumn[], layout: number[]): WindowMax | undefined {
  const { rowsOf, bounds } = input;
  const only = aggs.length === 1 ? (aggs[0] as AggregateCall) : undefined;
  if (!input.attached || !rowsOf || rowsOf.output !== input.stream || !only || only.expr.name !== "MAX" || only.expr.distinct || only.expr.filter || only.expr.over) return undefined;
  if (groupCols.length !== 2 || !isIntegral(only.type)) return undefined;
  const arg = only.expr.args.length === 1 ? (only.expr.args[0] as Expr) : undefined;
  const column = arg?.kind === "column" ? resolveColumn(arg, input.scope) : undefined;
  if (!column) return undefined;
  const groupAt = (index: number): number => layout.indexOf(groupCols.findIndex((c) => c.index === index));
  const at = { max: layout.indexOf(groupCols.length), start: groupAt(bounds.start), end: groupAt(bounds.end), width: layout.length };
  const [value, start, end] = [rowsOf.columns[column.index], rowsOf.columns[bounds.start], rowsOf.columns[bounds.end]];
  if (at.max < 0 || at.start < 0 || at.end < 0 || value === undefined || start === undefined || end === undefined) return undefined;
  return { output, of: rowsOf.of, value, start, end, at };
}

/**
 * A window aggregate whose one aggregate is MAX (or MIN) of an input column, per TUMBLE window alone (nexmark q7's
 * `MAX(price) … GROUP BY window_start, window_end`). A row beaten in its window by one the aggregate counts changes
 * nothing there, so the same aggregate over its input with such rows left out (joins/windowTopPrune.ts) has the
 * same rows — but for a window whose every value is NULL, which then has no row (a join on the value drops it
 * anyway). `over` plans it over such an input (the same columns).
 */
export interface WindowExtreme {
  /** The aggregate's input, and its output: a relation whose stream is another (a filter after it) is not these rows. */
  input: DataStream<Row>;
  output: DataStream<Row>;
  kind: "MAX" | "MIN";
  /** The aggregated column's index in the input row. */
  column: number;
  size: number;
  offset: number;
  over(input: DataStream<Row>): DataStream<Row>;
}

/** `WindowExtreme` of a window aggregate, where it is one; `over` plans the same aggregate over another input. */
export function windowExtremeOf(
  input: WindowAggregateInput,
  output: DataStream<Row>,
  aggs: readonly AggregateCall[],
  keyCols: ScopeColumn[],
  select: Select,
  over: (rows: DataStream<Row>) => DataStream<Row>,
): WindowExtreme | undefined {
  const { assigner, bounds, scope } = input;
  const only = aggs.length === 1 ? (aggs[0] as AggregateCall) : undefined;
  const aligned = assigner.aligned;
  const arg = only?.expr.args[0];
  const column = arg?.kind === "column" ? resolveColumn(arg, scope)?.index : undefined;
  const extremeOf =
    only &&
    (only.expr.name === "MAX" || only.expr.name === "MIN") &&
    column !== undefined &&
    column < bounds.start &&
    keyCols.length === 0 &&
    !input.partitionBy &&
    !input.attached &&
    !input.changes &&
    !select.where &&
    !select.having;
  const tumbling = assigner.isEventTime && aligned !== undefined && aligned.size === aligned.slide && aligned.windowOf === undefined && input.window !== undefined;
  if (!extremeOf || !tumbling) return undefined;
  return { input: input.stream, output, kind: only.expr.name as "MAX" | "MIN", column, size: aligned.size, offset: aligned.offset, over };
}

/**
 * A window aggregate without aggregate functions (a DISTINCT of its group columns per window, nexmark q8's
 * two sides) as what a window join needs to hold its groups itself: its input, its windows, and where each
 * column of its row comes from. Only event-time TUMBLE/HOP windows and group columns of primitive values
 * (compared as they are); otherwise undefined.
 */
export interface WindowGroups {
  /** The stream of the aggregate's rows these describe: a relation whose stream is another (a filter after it) is not these rows. */
  output: DataStream<Row>;
  input: DataStream<Row>;
  size: number;
  slide: number;
  offset: number;
  /** Per column of the row: -1 window_start, -2 window_end, -3 window_time, else the input row's index of that group column. */
  sources: number[];
  /** The aggregate's state digest (its window, group columns). */
  digest: string;
}

const GROUP_TYPES = new Set(["BOOLEAN", "TINYINT", "SMALLINT", "INT", "BIGINT", "FLOAT", "DOUBLE", "STRING"]);

export function windowGroups(
  output: DataStream<Row>,
  layout: number[],
  input: WindowAggregateInput & { stream: DataStream<Row> },
  groupCols: ScopeColumn[],
  keyCols: ScopeColumn[],
  digest: string,
): WindowGroups | undefined {
  const aligned = input.assigner.aligned;
  if (!input.assigner.isEventTime || aligned === undefined || aligned.windowOf !== undefined) return undefined;
  if (!keyCols.every((c) => GROUP_TYPES.has(c.type.name) && !c.type.fields)) return undefined;
  const { bounds } = input;
  const sources = layout.map((i) => {
    const c = groupCols[i] as ScopeColumn;
    return c.index === bounds.start ? -1 : c.index === bounds.end ? -2 : c.index === bounds.time ? -3 : c.index;
  });
  return { output, input: input.stream, size: aligned.size, slide: aligned.slide, offset: aligned.offset, sources, digest };
}
