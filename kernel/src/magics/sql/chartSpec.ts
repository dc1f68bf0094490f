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

/** A Vega-Lite v5 spec charting a query result, with the data inline. */
export function chartSpec(r: TabularResult, chart: { mark: ChartMark; x: string; y: string; color?: string }): Record<string, unknown> {
  const field = (name: string) => {
    const col = r.columns.find((c) => c.name === name);
    if (!col) throw new UnknownColumnError(`no column "${name}" in the result (columns: ${r.columns.map((c) => c.name).join(", ")})`);
    // 64-bit integers and decimals arrive as exact strings; a chart wants numbers.
    return { field: name, type: encodingType(col.type) };
  };
  const x = field(chart.x);
  const y = field(chart.y);
  const numericCols = r.columns.filter((c) => encodingType(c.type) === "quantitative").map((c) => c.name);
  const values = r.rows.map((row) => {
    const out: Record<string, unknown> = { ...row };
    for (const n of numericCols) if (typeof out[n] === "string") out[n] = Number(out[n]);
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
