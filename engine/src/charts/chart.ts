import { ChartSink } from "./ChartSink.js";
import { ChartOptions, Mark, TableOptions } from "./chartTypes.js";
import { encodingFor, parseField, read } from "./encoding.js";
import { PointStore } from "./PointStore.js";
import { tableBundle } from "./tableView.js";

const VEGA_LITE = "application/vnd.vegalite.v5+json";
const SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json";

function isWindowResult(record: unknown): record is { key: unknown; start: number; end?: unknown } {
  return typeof record === "object" && record !== null && "key" in record && typeof (record as { start?: unknown }).start === "number";
}

/** Window results (key + start) are identified by both, so a late firing replaces its point. */
function defaultId(record: unknown): unknown {
  return isWindowResult(record) ? JSON.stringify([record.key, record.start]) : undefined;
}

/** Fields that place a window in time: on such an x axis every window is a point of its own. */
const WINDOW_TIME = new Set(["start", "end"]);

function markChart<T>(mark: Mark, o: ChartOptions<T>): ChartSink<T> {
  const fields = { x: parseField(o.x), y: parseField(o.y), ...(o.color ? { color: parseField(o.color) } : {}) };
  // Window results on an x that is not their time (x: "key"): one point per x (and color), the
  // latest window's, as a reader of "views per page" expects; not every window stacked on one bar.
  const latestPerX = o.id === undefined && !WINDOW_TIME.has(fields.x.path);
  const store = new PointStore<Record<string, unknown>>(
    o.maxPoints ?? 1000,
    o.retain ? { field: fields.x.name, span: o.retain } : undefined,
    latestPerX ? (prev, next) => !(Number(prev[WINDOW_START]) > Number(next[WINDOW_START])) : undefined,
  );
  const toPoint = (r: T) => {
    const p: Record<string, unknown> = {};
    for (const f of Object.values(fields)) {
      const v = read(r, f.path);
      p[f.name] = v instanceof Date ? v.getTime() : v;
    }
    if (isWindowResult(r)) {
      if (latestPerX) p[WINDOW_START] = r.start;
      // A window's bar spans [start, end), not a sliver at its start.
      if (mark === "bar" && fields.x.path === "start" && typeof r.end === "number") p[WINDOW_END] = r.end;
    }
    return p;
  };
  const identify = (r: T): unknown =>
    o.id
      ? o.id(r)
      : latestPerX && isWindowResult(r)
        ? JSON.stringify(
            Object.values(fields)
              .filter((f) => f !== fields.y)
              .map((f) => read(r, f.path)),
          )
        : defaultId(r);
  const render = (points: Record<string, unknown>[]) => {
    const width = o.width ?? 520;
    const height = o.height ?? 260;
    const encoding: Record<string, unknown> = { x: encodingFor(fields.x, points, width), y: encodingFor(fields.y, points, height) };
    if (points.some((p) => p[WINDOW_END] !== undefined)) {
      // Vega-Lite's form for pre-binned data: x..x2 is each bar's extent, y stacks as usual.
      encoding.x = { ...(encoding.x as object), bin: "binned" };
      encoding.x2 = { field: WINDOW_END };
    }
    if (fields.color) encoding.color = encodingFor(fields.color, points);
    const spec = {
      $schema: SCHEMA,
      ...(o.title ? { title: o.title } : {}),
      width,
      height,
      data: { values: points },
      mark: { type: mark, tooltip: true, ...(mark === "line" ? { point: points.length <= 60 } : {}) },
      encoding,
    };
    return { [VEGA_LITE]: spec, "text/plain": `[live ${mark} chart: ${points.length} points of ${o.y} by ${o.x}]` };
  };
  return new ChartSink<T>(`chart:${mark}`, store, toPoint, identify, render);
}

/** Extra fields a window's point carries (names no user field of a WindowResult has). */
const WINDOW_START = "window_start";
const WINDOW_END = "window_end";

/**
 * Live chart sinks: the chart grows in the cell's output while the job runs, and the final state is
 * saved in the notebook. Bounded to the newest `maxPoints` (and `retain` ms of event time).
 *
 * @example
 * counts.sinkTo(chart.line({ x: "start:T", y: "value", color: "key", title: "views per page" }));
 * stream.sinkTo(chart.table({ maxRows: 20 }));
 * stream.sinkTo(chart.vegaLite({ mark: "bar", data: { name: "events" }, encoding: {...} }));
 */
export const chart = {
  line: <T>(o: ChartOptions<T>) => markChart<T>("line", o),
  bar: <T>(o: ChartOptions<T>) => markChart<T>("bar", o),
  area: <T>(o: ChartOptions<T>) => markChart<T>("area", o),
  point: <T>(o: ChartOptions<T>) => markChart<T>("point", o),

  /** The latest records as a table. */
  table: <T>(o: TableOptions<T> = {}): ChartSink<T> => {
    const store = new PointStore<Record<string, unknown>>(o.maxRows ?? 20);
    return new ChartSink<T>(
      "chart:table",
      store,
      (r) => ({ ...(r as object) }) as Record<string, unknown>,
      o.id ?? defaultId,
      (rows) => tableBundle(rows, o),
    );
  },

  /**
   * Any Vega-Lite spec; records fill the named dataset `data: { name }` (default "data").
   */
  vegaLite: <T>(spec: Record<string, unknown>, o: { dataName?: string; maxPoints?: number; id?: (r: T) => unknown } = {}): ChartSink<T> => {
    const dataName = o.dataName ?? (spec.data as { name?: string } | undefined)?.name ?? "data";
    const store = new PointStore<Record<string, unknown>>(o.maxPoints ?? 1000);
    const render = (points: Record<string, unknown>[]) => ({
      [VEGA_LITE]: { $schema: SCHEMA, ...spec, data: { name: dataName }, datasets: { ...((spec.datasets as object) ?? {}), [dataName]: points } },
      "text/plain": `[live Vega-Lite chart: ${points.length} records]`,
    });
    return new ChartSink<T>("chart:vega-lite", store, (r) => ({ ...(r as object) }) as Record<string, unknown>, o.id ?? defaultId, render);
  },
};
