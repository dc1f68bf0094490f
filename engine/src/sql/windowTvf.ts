import type { DataStream } from "../api/DataStream.js";
import type { AggregateFunction } from "../windows/AggregateFunction.js";
import {
  CumulativeEventTimeWindows,
  CumulativeProcessingTimeWindows,
  EventTimeSessionWindows,
  ProcessingTimeSessionWindows,
  SlidingEventTimeWindows,
  SlidingProcessingTimeWindows,
  TumblingEventTimeWindows,
  TumblingProcessingTimeWindows,
  type WindowAssigner,
} from "../windows/WindowAssigner.js";
import type { Expr, WindowTvf } from "./ast.js";
import type { Column } from "./catalog.js";
import type { Change } from "./changelog.js";
import type { Row } from "./connectors.js";
import { StreamSqlError } from "./errors.js";
import { stateDigest } from "./restore/planUids.js";
import type { SqlType } from "./types.js";

export const WINDOW_COLUMNS = ["window_start", "window_end", "window_time"];

/**
 * The engine's window assigner for a window TVF, checked as Flink's planner checks it. Over a
 * `PROCTIME()` column (`proctime`) the windows are the clock's at arrival, fired by the clock (Flink's
 * processing-time window aggregate), so window_start/window_end come from the processing clock.
 */
export function tvfAssigner(tvf: WindowTvf, proctime = false): WindowAssigner {
  switch (tvf.kind) {
    case "tumble":
      return (proctime ? TumblingProcessingTimeWindows : TumblingEventTimeWindows).of(tvf.size, tvf.offset ?? 0);
    case "hop":
      // Flink's slicing HOP aggregate needs whole slides per window; say so in its words.
      if (tvf.size % tvf.slide !== 0)
        throw new StreamSqlError(
          "validation",
          `HOP table function based aggregate requires size must be an integral multiple of slide, but got size ${tvf.size} ms and slide ${tvf.slide} ms`,
          tvf.at,
          "HOP",
        );
      return (proctime ? SlidingProcessingTimeWindows : SlidingEventTimeWindows).of(tvf.size, tvf.slide, tvf.offset ?? 0);
    case "cumulate":
      if (tvf.size % tvf.step !== 0)
        throw new StreamSqlError(
          "validation",
          `CUMULATE table function based aggregate requires maxSize must be an integral multiple of step, but got maxSize ${tvf.size} ms and step ${tvf.step} ms`,
          tvf.at,
          "CUMULATE",
        );
      return (proctime ? CumulativeProcessingTimeWindows : CumulativeEventTimeWindows).of(tvf.size, tvf.step, tvf.offset ?? 0);
    case "session":
      return (proctime ? ProcessingTimeSessionWindows : EventTimeSessionWindows).withGap(tvf.gap);
  }
}

/** A TVF's output columns: its input's (the time column no longer a time attribute), then window_start, window_end, window_time (the new time attribute). */
export function tvfColumns(input: Column[], proctime = false): Column[] {
  // Never NULL, as Flink types them (TIMESTAMP(3) NOT NULL).
  const ts: SqlType = { name: "TIMESTAMP", params: [3], nullable: false };
  return [
    ...input.map((c) => ({ name: c.name, type: { ...c.type, rowtime: false } })),
    { name: "window_start", type: { ...ts } },
    { name: "window_end", type: { ...ts } },
    // Over processing time a processing-time attribute, TIMESTAMP_LTZ(3) NOT NULL *PROCTIME* as Flink types it.
    { name: "window_time", type: proctime ? { ...ts, proctime: true } : { ...ts, rowtime: true } },
  ];
}

/** Whether an expression reads window_start/window_end/window_time (which only exist per assigned window). */
export function readsWindowColumn(e: Expr): boolean {
  const visit = (v: unknown): boolean => {
    if (Array.isArray(v)) return v.some(visit);
    if (typeof v !== "object" || v === null) return false;
    const node = v as { kind?: unknown; name?: unknown };
    if (node.kind === "column") return WINDOW_COLUMNS.includes(String(node.name).toLowerCase());
    return Object.values(v).some(visit);
  };
  return visit(e);
}

/**
 * `SELECT … FROM TABLE(SESSION(…))` without an aggregate: a session's rows are only known once it
 * closes, so they wait in the session window (per PARTITION BY key) and leave together with the
 * session's window_start, window_end and window_time, as Flink's session window TVF emits them.
 */
export function sessionRows(input: DataStream<Row>, columns: Column[], tvf: Extract<WindowTvf, { kind: "session" }>, assigner: WindowAssigner): DataStream<Row> {
  return sessionOf(
    input,
    (r) => r,
    (r, start, end) => [...r, start, end, end - 1],
    columns,
    tvf,
    assigner,
    false,
  );
}

/**
 * The same over an updating input (its changes stamped with their rows' rowtimes): every change, a -U too, has
 * its row's time in its session, and leaves with its kind when the session closes, as Flink's session TVF
 * over a changelog.
 */
export function sessionChanges(input: DataStream<Change>, columns: Column[], tvf: Extract<WindowTvf, { kind: "session" }>, assigner: WindowAssigner): DataStream<Change> {
  return sessionOf(
    input,
    (c) => c.row,
    (c, start, end) => ({ kind: c.kind, row: [...c.row, start, end, end - 1] }),
    columns,
    tvf,
    assigner,
    true,
  );
}

function sessionOf<T>(
  input: DataStream<T>,
  rowOf: (t: T) => Row,
  withBounds: (t: T, start: number, end: number) => T,
  columns: Column[],
  tvf: Extract<WindowTvf, { kind: "session" }>,
  assigner: WindowAssigner,
  changes: boolean,
): DataStream<T> {
  const keys = tvf.partitionBy.map((name) => {
    const i = columns.findIndex((c) => c.name.toLowerCase() === name.toLowerCase());
    if (i < 0) throw new StreamSqlError("validation", `Column '${name}' not found in any table`, tvf.at, name);
    return i;
  });
  const rows: AggregateFunction<T, T[], T[]> = {
    createAccumulator: () => [],
    add: (r, acc) => {
      acc.push(r);
      return acc;
    },
    getResult: (acc) => acc,
    merge: (a, b) => a.concat(b),
  };
  return stateDigest(
    input
      .keyBy((t) => {
        const r = rowOf(t);
        return JSON.stringify(keys.map((i) => r[i]));
      })
      .window(assigner)
      .aggregate<T[], T[], T>(rows, (_key, ctx, results, out) => {
        const { start, end } = ctx.window;
        for (const r of results[0] ?? []) out.collect(withBounds(r, start, end));
      })
      .name(`SESSION ${assigner.toString()}`),
    JSON.stringify({ partitionBy: keys, columns: columns.map((c) => c.type.name), ...(changes ? { changes } : {}) }),
  );
}
