import { encodingFor } from "../../../../engine/src/host.js";
import type { MimeBundle } from "../../display/mimeBundle.js";
import type { ChartMark } from "./sqlArgs.js";
import { tableSchemaType, TabularResult } from "./resultBundle.js";

export class UnknownColumnError extends Error {
  override name = "UnknownColumnError";
}

function encodingType(duckType: string): "quantitative" | "temporal" | "nominal" {
  const t = tableSchemaType(duckType);
  if (t === "integer" || t === "number") return "quantitative";
  if (t === "date" || t === "datetime") return "temporal";
  return "nominal";
}

/**
 * DuckDB's text for a DATE, TIMESTAMP or TIMESTAMPTZ as epoch milliseconds. A browser parses
 * "2026-12-03 22:14:00" in the viewer's zone; the axes are UTC, so a zone-less value is read as
 * UTC and shows the wall-clock time the query returned.
 */
export function utcMillis(text: string): number | string {
  const m = /^(\d{4}-\d\d-\d\d)(?:[ T](\d\d:\d\d(?::\d\d(?:\.\d+)?)?)(Z|[+-]\d\d(?::?\d\d)?)?)?$/.exec(text.trim());
  if (!m) return text;
  const [, day = "", time, offset] = m;
  const zone = !offset ? "Z" : offset === "Z" || offset.length > 3 ? offset.replace(/^([+-]\d\d)(\d\d)$/, "$1:$2") : `${offset}:00`;
  const ms = Date.parse(time ? `${day}T${time}${zone}` : day);
  return Number.isNaN(ms) ? text : ms;
}

/** A Vega-Lite v5 spec charting a query result, with the data inline. */
export function chartSpec(r: TabularResult, chart: { mark: ChartMark; x: string; y: string; color?: string }): Record<string, unknown> {
  const field = (name: string) => {
    const col = r.columns.find((c) => c.name === name);
    if (!col) throw new UnknownColumnError(`no column "${name}" in the result (columns: ${r.columns.map((c) => c.name).join(", ")})`);
    return encodingFor({ path: name, name, type: encodingType(col.type) }, []);
  };
  const x = field(chart.x);
  const y = field(chart.y);
  const numericCols = r.columns.filter((c) => encodingType(c.type) === "quantitative").map((c) => c.name);
  const timeCols = r.columns.filter((c) => encodingType(c.type) === "temporal").map((c) => c.name);
  const values = r.rows.map((row) => {
    const out: Record<string, unknown> = { ...row };
    // 64-bit integers and decimals arrive as exact strings; a chart wants numbers.
    for (const n of numericCols) if (typeof out[n] === "string") out[n] = Number(out[n]);
    for (const t of timeCols) if (typeof out[t] === "string") out[t] = utcMillis(out[t] as string);
    return out;
  });
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v5.json",
    data: { values },
    mark: { type: chart.mark, tooltip: true },
    encoding: { x, y, ...(chart.color ? { color: field(chart.color) } : {}) },
  };
}

export function chartBundle(spec: Record<string, unknown>, description: string): MimeBundle {
  return { "application/vnd.vegalite.v5+json": spec, "text/plain": description };
}
