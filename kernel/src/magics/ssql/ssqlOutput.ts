import { displaySqlValue, singleBundle, type RenderRows, type StatementResult, type StreamSqlColumn } from "../../../../engine/src/index.js";
import type { CellOutcome } from "../../execute/cellRunner.js";
import type { MimeBundle } from "../../display/mimeBundle.js";
import { renderSvg } from "../../jobs/svgRender.js";
import { chartBundle, chartSpec } from "../sql/chartSpec.js";
import type { TabularResult } from "../sql/resultBundle.js";
import { resultBundle } from "../sql/resultBundle.js";
import type { SsqlArgs } from "./ssqlArgs.js";
import { shown } from "../magic.js";

/** Flink's type names as the table renderer's (DuckDB's) names, so numbers align and schemas say integer/number. */
const RENDER_TYPE: Record<string, string> = {
  TINYINT: "TINYINT",
  SMALLINT: "SMALLINT",
  INT: "INTEGER",
  BIGINT: "BIGINT",
  FLOAT: "FLOAT",
  DOUBLE: "DOUBLE",
  DECIMAL: "DOUBLE",
  BOOLEAN: "BOOLEAN",
  TIMESTAMP: "VARCHAR",
};

/** `SELECT a, a` has two columns named a; the displayed table keys rows by name, so the second becomes a_1. */
export function distinctNames(names: string[]): string[] {
  const seen = new Set<string>();
  return names.map((name) => {
    let unique = name;
    for (let n = 1; seen.has(unique); n++) unique = `${name}_${n}`;
    seen.add(unique);
    return unique;
  });
}

/**
 * A SQL result as the `%%sql` renderers take it: rows keyed by (distinct) column names, timestamps
 * as Flink prints them (typed TIMESTAMP for a chart, so its axis is a time axis; text in a table).
 */
export function tabular(columns: StreamSqlColumn[], rows: unknown[][], forChart = false): TabularResult {
  const names = distinctNames(columns.map((c) => c.name));
  return {
    columns: columns.map((c, i) => ({ name: names[i] as string, type: forChart && c.type.name === "TIMESTAMP" ? "TIMESTAMP" : (RENDER_TYPE[c.type.name] ?? "VARCHAR") })),
    rows: rows.map((r) => Object.fromEntries(columns.map((c, i) => [names[i], c.type.name === "TIMESTAMP" && r[i] !== null ? displaySqlValue(r[i], c.type) : r[i]]))),
  };
}

/** `--chart` as `%%sql` draws it (the same Vega-Lite spec), here of a live view's current rows. */
export function chartRenderer(chart: NonNullable<SsqlArgs["chart"]>): RenderRows {
  return (columns, rows) => chartBundle(chartSpec(tabular(columns, rows, true), chart), `[live ${chart.mark} chart of ${rows.length} rows: ${chart.y} by ${chart.x}]`);
}

/**
 * What a `%%ssql` cell shows: a bounded query's final result (table, single value or chart, the
 * last one of the cell); else an unbounded SELECT's job (its live view is one of its sinks, shown by
 * the kernel); else one line per statement, an INSERT's job by name, as Flink's SQL client prints.
 */
export async function ssqlOutcome(results: StatementResult[], args: SsqlArgs, limit: number): Promise<CellOutcome> {
  const table = [...results].reverse().find((r) => r.kind === "table");
  if (table?.kind === "table") {
    if (args.view === "single") return shown(singleBundle(table.columns, table.rows, args.template) as MimeBundle);
    if (args.chart) {
      const t = tabular(table.columns, table.rows, true);
      const spec = chartSpec(t, args.chart);
      const svg = await renderSvg(spec);
      const bundle = chartBundle(spec, `[${args.chart.mark} chart of ${t.rows.length} rows: ${args.chart.y} by ${args.chart.x}]`);
      return shown(svg ? { ...bundle, "image/svg+xml": svg } : bundle);
    }
    return shown(resultBundle(tabular(table.columns, table.rows), limit));
  }
  const select = results.find((r) => r.kind === "job" && r.table);
  if (select?.kind === "job") return { status: "ok", result: { value: select.job } };
  const svg = [...results].reverse().find((r) => r.kind === "message" && r.svg);
  const lines = results.map((r) => (r.kind === "message" ? r.text : r.kind === "job" ? `[INFO] Submitted ${r.job.name}: running, listed by %jobs.` : ""));
  const text = lines.filter(Boolean).join("\n");
  return shown(svg?.kind === "message" && svg.svg ? { "text/plain": text, "image/svg+xml": svg.svg } : { "text/plain": text });
}
