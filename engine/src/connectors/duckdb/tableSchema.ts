/** Column kinds the DuckDB sink writes, each with how it is staged and how it lands. */
export type ColumnKind = "BIGINT" | "DOUBLE" | "VARCHAR" | "BOOLEAN" | "TIMESTAMP" | "JSON";

export interface TableColumn {
  name: string;
  kind: ColumnKind;
}

export class SchemaInferenceError extends Error {
  override name = "SchemaInferenceError";
}

export function kindOf(value: unknown, all: readonly unknown[]): ColumnKind {
  if (value instanceof Date) return "TIMESTAMP";
  switch (typeof value) {
    case "number":
      return all.every((v) => v === null || v === undefined || Number.isInteger(v)) ? "BIGINT" : "DOUBLE";
    case "bigint":
      return "BIGINT";
    case "boolean":
      return "BOOLEAN";
    case "string":
      return "VARCHAR";
    case "object":
      return value === null ? "VARCHAR" : "JSON";
    default:
      throw new SchemaInferenceError(`cannot store a ${typeof value} in DuckDB`);
  }
}

/**
 * Columns from the first batch (record fields in order), unless declared. Integers become
 * BIGINT; declare `columns: { x: "DOUBLE" }` when a field is sometimes fractional.
 */
export function inferColumns(records: readonly Record<string, unknown>[], declared: Record<string, ColumnKind> = {}): TableColumn[] {
  const first = records[0];
  if (!first) throw new SchemaInferenceError("cannot infer a table from an empty batch");
  const names = Object.keys(first);
  return names.map((name) => ({
    name,
    kind:
      declared[name] ??
      kindOf(
        records.find((r) => r[name] !== null && r[name] !== undefined)?.[name] ?? null,
        records.map((r) => r[name]),
      ),
  }));
}

export const quoteIdent = (name: string): string => `"${name.replace(/"/g, '""')}"`;

/** The staging type: what the appender writes (plain primitives). */
export function stagingType(kind: ColumnKind): string {
  return kind === "TIMESTAMP" ? "BIGINT" : kind === "JSON" ? "VARCHAR" : kind;
}

/** The expression turning a staged column into the target column. */
export function landingExpr(c: TableColumn): string {
  const q = quoteIdent(c.name);
  if (c.kind === "TIMESTAMP") return `epoch_ms(${q})`;
  if (c.kind === "JSON") return `${q}::JSON`;
  return q;
}
