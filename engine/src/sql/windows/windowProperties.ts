import type { Expr, Select, WindowTvf } from "../ast.js";
import type { ScopeColumn } from "../compiler.js";
import type { Row } from "../connectors.js";
import { EventTimeTrigger } from "../../windows/Trigger.js";
import { TimeWindow } from "../../windows/TimeWindow.js";
import type { WindowAssigner } from "../../windows/WindowAssigner.js";

/**
 * Window properties of an append-only relation (Flink's FlinkRelMdWindowProperties): which of its
 * columns hold the window_start and window_end of the windows that made its rows, under whatever
 * alias, and those windows. A window TVF's rows have them, and so have a projection, a filter or a
 * window aggregate over such rows that keeps both columns. Flink plans a join that equates both
 * sides' bounds as a window join, and a GROUP BY on both bounds as a window aggregate over the
 * same windows (its WindowAttachedWindowingStrategy: nexmark q5's MAX per window), so neither
 * gives an updating result.
 */
export interface WindowProperties {
  tvf: WindowTvf;
  /** Column indexes of window_start and window_end. */
  start: number;
  end: number;
}

/** Flink's text for a window (EXPLAIN): TUMBLE(size=10000ms), HOP(slide=…, size=…), … */
export function describeWindow(w: WindowTvf): string {
  const offset = "offset" in w && w.offset ? `, offset=${w.offset}ms` : "";
  if (w.kind === "tumble") return `TUMBLE(size=${w.size}ms${offset})`;
  if (w.kind === "hop") return `HOP(slide=${w.slide}ms, size=${w.size}ms${offset})`;
  if (w.kind === "cumulate") return `CUMULATE(step=${w.step}ms, size=${w.size}ms${offset})`;
  return `SESSION(gap=${w.gap}ms)`;
}

/** The properties of a window TVF's rows (its input's columns, then window_start, window_end, window_time); none for SESSION, which Flink neither window-joins nor cascades here. */
export function tvfWindowProperties(tvf: WindowTvf, inputWidth: number): WindowProperties | undefined {
  return tvf.kind === "session" ? undefined : { tvf, start: inputWidth, end: inputWidth + 1 };
}

/** The scope column a column reference names (by name, and by table when qualified), if exactly one. */
export function resolveColumn(e: Expr, scope: ScopeColumn[]): ScopeColumn | undefined {
  if (e.kind !== "column") return undefined;
  const found = scope.filter((s) => s.name.toLowerCase() === e.name.toLowerCase() && (e.table === undefined || s.table?.toLowerCase() === e.table.toLowerCase()));
  return found.length === 1 ? found[0] : undefined;
}

/** The properties of a projection's output: the first output columns that are the input's bounds as they are. */
export function projectedWindowProperties(input: WindowProperties | undefined, outputs: Expr[], sourceIndex: (e: Expr) => number | undefined): WindowProperties | undefined {
  if (!input) return undefined;
  const start = outputs.findIndex((e) => sourceIndex(e) === input.start);
  const end = outputs.findIndex((e) => sourceIndex(e) === input.end);
  return start >= 0 && end >= 0 ? { tvf: input.tvf, start, end } : undefined;
}

/** Whether a GROUP BY over a relation with these properties groups on both of its window bounds (then it is a window aggregate). */
export function groupsByWindow(select: Select, scope: ScopeColumn[], window: WindowProperties | undefined): window is WindowProperties {
  if (!window) return false;
  const grouped = select.groupBy.map((g) => resolveColumn(g, scope)?.index);
  return grouped.includes(window.start) && grouped.includes(window.end);
}

/**
 * Assigns each row to the window its own bound columns name (Flink's WindowAttachedWindowingStrategy):
 * the rows of an upstream window aggregate, stamped end - 1, arrive before the watermark that fires
 * their window here, so none is late.
 */
export function attachedWindows(window: WindowProperties, rowOf?: (element: unknown) => Row): WindowAssigner {
  const { start, end, tvf } = window;
  const text = `WindowAttached(${describeWindow(window.tvf)}, start=$${start}, end=$${end})`;
  // TUMBLE and HOP windows are on a grid: the window operator's aligned path (one pane per window, no timers).
  // `rowOf`: the row of an element that is not one itself (a change, over an updating input); without it no call per element.
  const windowOf = rowOf ? (element: unknown) => rowOf(element)[start] as number : (element: unknown) => (element as Row)[start] as number;
  const offset = tvf.kind === "tumble" || tvf.kind === "hop" ? (tvf.offset ?? 0) : 0;
  const aligned = tvf.kind === "tumble" ? { size: tvf.size, slide: tvf.size, offset, windowOf } : tvf.kind === "hop" ? { size: tvf.size, slide: tvf.slide, offset, windowOf } : undefined;
  return {
    isEventTime: true,
    merging: false,
    ...(aligned ? { aligned } : {}),
    assignWindows: rowOf
      ? (element) => {
          const row = rowOf(element);
          return [new TimeWindow(row[start] as number, row[end] as number)];
        }
      : (element) => [new TimeWindow((element as Row)[start] as number, (element as Row)[end] as number)],
    defaultTrigger: () => EventTimeTrigger.create(),
    toString: () => text,
  };
}
