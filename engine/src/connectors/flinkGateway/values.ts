/**
 * The gateway's JSON row format renders timestamps as ISO-8601 text with the fraction cut to what
 * is non-zero ("2024-01-01T00:00:10"); Flink's SQL client, and the embedded engine's tables, show
 * them as "2024-01-01 00:00:10.000" (the type's precision). Results from a cluster are shown the
 * latter way, so the same query gives the same table on either target.
 */
import type { ColumnInfo } from "./FlinkSqlGateway.js";

const ISO = /^(\d{4,}-\d\d-\d\d)T(\d\d:\d\d)(?::(\d\d))?(?:\.(\d+))?(Z|[+-]\d\d:\d\d)?$/;

/** A TIMESTAMP value as Flink's SQL client prints it; any other value as it is. */
export function flinkDisplayValue(value: unknown, column: ColumnInfo | undefined): unknown {
  const type = column?.logicalType.type;
  if (typeof value !== "string" || type === undefined || !type.startsWith("TIMESTAMP")) return value;
  const m = ISO.exec(value);
  if (!m) return value;
  const precision = typeof column?.logicalType.precision === "number" ? column.logicalType.precision : 6;
  const fraction = precision > 0 ? `.${(m[4] ?? "").padEnd(precision, "0").slice(0, precision)}` : "";
  return `${m[1]} ${m[2]}:${m[3] ?? "00"}${fraction}${m[5] ?? ""}`;
}

/** A row's fields with timestamps shown as Flink's SQL client shows them. */
export function flinkDisplayRow(fields: readonly unknown[], columns: readonly ColumnInfo[]): unknown[] {
  return fields.map((v, i) => flinkDisplayValue(v, columns[i]));
}
