import type { RowKind } from "../changelog.js";

/**
 * Flink's `Row` as `toDataStream` / `toChangelogStream` give it: the fields in the query's column
 * order, their names, and the change kind (`+I` for an append-only result).
 *
 * @example
 * tEnv.toChangelogStream(counts).map((r) => `${r.getKind()} ${r.getField("page")}=${r.getField("views")}`)
 */
export class Row {
  constructor(
    private readonly kind: RowKind,
    private readonly fields: readonly unknown[],
    private readonly names: readonly string[],
  ) {}

  getKind(): RowKind {
    return this.kind;
  }

  /** A field by position (0-based) or by column name. */
  getField(at: number | string): unknown {
    const i = typeof at === "number" ? at : this.names.indexOf(at);
    if (i < 0 || i >= this.fields.length) throw new RangeError(`Row has no field ${JSON.stringify(at)} (fields: ${this.names.join(", ")})`);
    return this.fields[i];
  }

  getArity(): number {
    return this.fields.length;
  }

  getFieldNames(): string[] {
    return [...this.names];
  }

  /** The fields as a plain object by column name (for charts, tables and JSON). */
  toObject(): Record<string, unknown> {
    return Object.fromEntries(this.names.map((n, i) => [n, this.fields[i]]));
  }

  /** As Flink prints a Row: `+I[/home, 3]`. */
  toString(): string {
    return `${this.kind}[${this.fields.map((v) => (v === null || v === undefined ? "null" : String(v))).join(", ")}]`;
  }
}
