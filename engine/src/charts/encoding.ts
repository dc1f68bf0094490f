/** Vega-Lite field types, written after a colon in a field: `start:T`, `value:Q`, `key:N`, `rank:O`. */
const TYPES: Record<string, string> = { T: "temporal", Q: "quantitative", N: "nominal", O: "ordinal" };

export interface FieldRef {
  /** Path into the record, e.g. `value.avg`. */
  path: string;
  /** Flat name in the chart's data (Vega-Lite reads dots as nesting). */
  name: string;
  type: string | undefined;
}

export class ChartFieldError extends Error {
  override name = "ChartFieldError";
}

export function parseField(spec: string): FieldRef {
  const m = /^([^:]+?)(?::([TQNO]))?$/.exec(spec.trim());
  if (!m || !m[1]) throw new ChartFieldError(`bad chart field "${spec}": use a field name, optionally with :T, :Q, :N or :O`);
  return { path: m[1], name: m[1].replace(/\./g, "_"), type: m[2] ? TYPES[m[2]] : undefined };
}

export function read(record: unknown, path: string): unknown {
  let v: unknown = record;
  for (const part of path.split(".")) v = v === null || v === undefined ? undefined : (v as Record<string, unknown>)[part];
  return v;
}

/** Without a declared type: epoch-millisecond numbers are time, other numbers quantities, the rest names. */
export function inferType(values: unknown[]): string {
  const sample = values.find((v) => v !== null && v !== undefined);
  if (sample instanceof Date) return "temporal";
  if (typeof sample === "number") return sample > 1e11 && sample < 1e14 ? "temporal" : "quantitative";
  return "nominal";
}

/**
 * Time labels a reader cannot misread: 24-hour, in UTC (the kernel's and every viewer's clock
 * differ), each label whole at its own granularity. Vega's defaults are 12-hour with no AM/PM
 * (22:14 shows as "10:14") and label sub-minute ticks ":25" or ".500", which repeat.
 */
export const TIME_LABELS = {
  milliseconds: "%H:%M:%S.%L",
  seconds: "%H:%M:%S",
  minutes: "%H:%M",
  hours: "%H:%M",
  date: "%b %d",
  week: "%b %d",
  month: "%b %Y",
  quarter: "%b %Y",
  year: "%Y",
};

/** `length`: the axis's length in px; a whole "22:14:20.250" label needs about 90. */
export function encodingFor(f: FieldRef, points: Record<string, unknown>[], length = 520): Record<string, unknown> {
  const type = f.type ?? inferType(points.map((p) => p[f.name]));
  if (type !== "temporal") return { field: f.name, type };
  // Vega-Lite drops a format object on axes unless custom format types are configured; Vega's own
  // utcFormat takes one (a multi-format specifier), so the labels are made by an expression.
  const specifier = JSON.stringify(TIME_LABELS).replace(/"/g, "'");
  return { field: f.name, type, scale: { type: "utc" }, axis: { labelExpr: `utcFormat(datum.value, ${specifier})`, tickCount: Math.max(2, Math.floor(length / 90)), title: `${f.name} (UTC)` } };
}
