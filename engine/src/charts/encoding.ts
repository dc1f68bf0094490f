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

export function encodingFor(f: FieldRef, points: Record<string, unknown>[]): { field: string; type: string } {
  return { field: f.name, type: f.type ?? inferType(points.map((p) => p[f.name])) };
}
