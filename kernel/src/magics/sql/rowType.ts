import type { SqlColumn } from "../../../../engine/src/index.js";

function tsType(duckType: string, sample: unknown): string {
  if (/^(TINYINT|SMALLINT|INTEGER|UTINYINT|USMALLINT|UINTEGER|FLOAT|DOUBLE|REAL)$|^DECIMAL/.test(duckType)) return "number";
  if (/^(U?BIGINT|U?HUGEINT)$/.test(duckType)) return typeof sample === "bigint" ? "bigint" : "number";
  if (/^(VARCHAR|UUID|ENUM)/.test(duckType)) return "string";
  if (duckType === "BOOLEAN") return "boolean";
  if (/^(TIMESTAMP|DATE$)/.test(duckType)) return "Date";
  if (duckType === "BLOB") return "Uint8Array";
  const list = /^(.*)\[\]$/.exec(duckType);
  if (list) return `${tsType(list[1] ?? "", undefined)}[]`;
  if (/^STRUCT/.test(duckType)) return "Record<string, unknown>";
  return "unknown";
}

/**
 * The TypeScript type of `%%sql -o` rows, so later cells are type-checked against the columns.
 * A column is `| null` only if this result has a null in it.
 */
export function rowType(columns: SqlColumn[], values: Record<string, unknown>[]): string {
  const fields = columns.map((c) => {
    const sample = values.find((v) => v[c.name] !== null && v[c.name] !== undefined)?.[c.name];
    const nullable = values.some((v) => v[c.name] === null);
    return `${JSON.stringify(c.name)}: ${tsType(c.type, sample)}${nullable ? " | null" : ""}`;
  });
  return `{ ${fields.join("; ")} }[]`;
}
