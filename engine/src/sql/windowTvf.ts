import { CumulativeEventTimeWindows, EventTimeSessionWindows, SlidingEventTimeWindows, TumblingEventTimeWindows, type WindowAssigner } from "../windows/WindowAssigner.js";
import type { Expr, WindowTvf } from "./ast.js";
import type { Column } from "./catalog.js";
import { StreamSqlError } from "./errors.js";
import type { SqlType } from "./types.js";

export const WINDOW_COLUMNS = ["window_start", "window_end", "window_time"];

/** The engine's window assigner for a window TVF, checked as Flink's planner checks it. */
export function tvfAssigner(tvf: WindowTvf): WindowAssigner {
  switch (tvf.kind) {
    case "tumble":
      return TumblingEventTimeWindows.of(tvf.size);
    case "hop":
      // Flink's slicing HOP aggregate needs whole slides per window; say so in its words.
      if (tvf.size % tvf.slide !== 0)
        throw new StreamSqlError(
          "validation",
          `HOP table function based aggregate requires size must be an integral multiple of slide, but got size ${tvf.size} ms and slide ${tvf.slide} ms`,
          tvf.at,
          "HOP",
        );
      return SlidingEventTimeWindows.of(tvf.size, tvf.slide);
    case "cumulate":
      if (tvf.size % tvf.step !== 0)
        throw new StreamSqlError(
          "validation",
          `CUMULATE table function based aggregate requires maxSize must be an integral multiple of step, but got maxSize ${tvf.size} ms and step ${tvf.step} ms`,
          tvf.at,
          "CUMULATE",
        );
      return CumulativeEventTimeWindows.of(tvf.size, tvf.step);
    case "session":
      return EventTimeSessionWindows.withGap(tvf.gap);
  }
}

/** A TVF's output columns: its input's (the time column no longer a time attribute), then window_start, window_end, window_time (the new rowtime). */
export function tvfColumns(input: Column[]): Column[] {
  const ts: SqlType = { name: "TIMESTAMP", params: [3] };
  return [
    ...input.map((c) => ({ name: c.name, type: { ...c.type, rowtime: false } })),
    { name: "window_start", type: { ...ts } },
    { name: "window_end", type: { ...ts } },
    { name: "window_time", type: { ...ts, rowtime: true } },
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
