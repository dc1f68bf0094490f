import type { DataStream } from "../../api/DataStream.js";
import type { LiveView } from "../../live/LiveView.js";
import type { Column } from "../catalog.js";
import type { Change } from "../changelog.js";
import { ChangelogTableView } from "./changelogView.js";
import type { Row } from "../connectors.js";
import { StreamSqlError, type SqlPosition } from "../errors.js";
import type { Planned } from "../planner.js";
import { AppendRowsView } from "./appendView.js";
import { singleBundle } from "./single.js";

/** The result views of Zeppelin's `%flink.ssql(type=…)` and Flink's SQL client. */
export type ResultViewMode = "append" | "update" | "single";

/** Renders a view's rows as a mime bundle (a chart, say) instead of a table. */
export type RenderRows = (columns: Column[], rows: Row[]) => Record<string, unknown>;

/** How a query's result is shown; every field optional (default: append for append-only results, update for updating ones). */
export interface ResultViewOptions {
  mode?: ResultViewMode;
  /** Rows an append view keeps, the newest (default 200). */
  maxRows?: number;
  /** The single view's template, Zeppelin's `{0}`, `{1}`, … (default `{0}`). */
  template?: string;
  /** Draws the rows (a chart); the default is a table, or the single value. */
  render?: RenderRows;
}

/** A live result: its rows as shown now. */
export type ResultView = LiveView & { readonly rows: Row[] };

/** The view a query's result gets: `append` needs an append-only result, as Zeppelin's (toAppendStream) does. */
export function viewMode(planned: Planned, options: ResultViewOptions, at: SqlPosition): ResultViewMode {
  const mode = options.mode ?? (planned.changes ? "update" : "append");
  if (mode === "append" && planned.changes)
    throw new StreamSqlError("validation", "the append view needs an append-only result; this query's result is updating (a GROUP BY without a window): use the update or single view", at, undefined);
  return mode;
}

/** The rows' drawing: the caller's (a chart), else the single value for `single`, else the view's own table. */
function renderer(mode: ResultViewMode, options: ResultViewOptions): RenderRows | undefined {
  if (options.render) return options.render;
  return mode === "single" ? (columns, rows) => singleBundle(columns, rows, options.template) : undefined;
}

/**
 * Sinks an unbounded query's result into its live view: append-only rows into a bounded append
 * view; an updating result (or an append-only one asked for `update`) into the changelog table,
 * which a single view or a chart draws as it currently is, never between a -U and its +U.
 */
export function attachResultView(planned: Planned, options: ResultViewOptions, at: SqlPosition): ResultView {
  const mode = viewMode(planned, options, at);
  const render = renderer(mode, options);
  if (!planned.changes && mode !== "update") {
    // A single value needs the last row only; a chart as many points as a live chart sink keeps.
    const keep = mode === "single" ? 1 : (options.maxRows ?? (options.render ? 1000 : 200));
    const view = new AppendRowsView(planned.columns, keep, render);
    planned.stream.sinkTo(view).name("Sink: append view");
    return view;
  }
  const changes: DataStream<Change> = planned.changes ?? planned.stream.map((row): Change => ({ kind: "+I", row })).name("to changelog");
  const view = new ChangelogTableView(planned.columns, planned.changes ? planned.uniqueKey : undefined, options.maxRows ?? 200, render);
  changes.sinkTo(view).name(`Sink: ${mode} view`);
  return view;
}
