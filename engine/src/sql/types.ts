/** Flink's SQL types Sluice supports, by Flink's names. TIMESTAMP values are epoch milliseconds (UTC, zone-less as Flink's). */
export type SqlTypeName = "BOOLEAN" | "TINYINT" | "SMALLINT" | "INT" | "BIGINT" | "FLOAT" | "DOUBLE" | "DECIMAL" | "STRING" | "TIMESTAMP" | "DATE" | "ROW" | "NULL";

export interface SqlType {
  name: SqlTypeName;
  /** TIMESTAMP(p), DECIMAL(p, s), VARCHAR(n) as written; kept for DESCRIBE. */
  params?: number[];
  /** A rowtime attribute (the column a WATERMARK is declared on). */
  rowtime?: boolean;
  /** A processing-time attribute (a `PROCTIME()` column): TIMESTAMP_LTZ(3) in Flink. */
  proctime?: boolean;
  nullable?: boolean;
  /** ROW<name type, …>: the fields, in order; a ROW value is an array of them (rows/rowType.ts). */
  fields?: { name: string; type: SqlType }[];
}

const ALIASES: Record<string, SqlTypeName> = {
  BOOLEAN: "BOOLEAN",
  TINYINT: "TINYINT",
  SMALLINT: "SMALLINT",
  INT: "INT",
  INTEGER: "INT",
  BIGINT: "BIGINT",
  FLOAT: "FLOAT",
  REAL: "FLOAT",
  DOUBLE: "DOUBLE",
  DECIMAL: "DECIMAL",
  DEC: "DECIMAL",
  NUMERIC: "DECIMAL",
  STRING: "STRING",
  VARCHAR: "STRING",
  CHAR: "STRING",
  TIMESTAMP: "TIMESTAMP",
  TIMESTAMP_LTZ: "TIMESTAMP",
  DATE: "DATE",
};

export function typeByName(name: string): SqlTypeName | undefined {
  return ALIASES[name.toUpperCase()];
}

export function isNumeric(t: SqlType): boolean {
  return ["TINYINT", "SMALLINT", "INT", "BIGINT", "FLOAT", "DOUBLE", "DECIMAL"].includes(t.name);
}

export function isIntegral(t: SqlType): boolean {
  return ["TINYINT", "SMALLINT", "INT", "BIGINT"].includes(t.name);
}

/** How DESCRIBE and error messages spell a type, as Flink prints it. */
export function formatType(t: SqlType): string {
  if (t.fields) return `ROW<${t.fields.map((f) => `\`${f.name}\` ${formatType(f.type)}`).join(", ")}>${t.nullable === false ? " NOT NULL" : ""}`;
  const base = t.proctime
    ? "TIMESTAMP_LTZ(3)"
    : t.name === "STRING" && t.params
      ? `VARCHAR(${t.params[0]})`
      : t.name === "TIMESTAMP"
        ? `TIMESTAMP(${t.params?.[0] ?? 6})`
        : t.params
          ? `${t.name}(${t.params.join(", ")})`
          : t.name;
  return `${base}${t.nullable === false ? " NOT NULL" : ""}${t.rowtime ? " *ROWTIME*" : ""}${t.proctime ? " *PROCTIME*" : ""}`;
}

/** The wider of two numeric types, as Flink's arithmetic result type (DECIMAL approximated as DOUBLE). */
export function widen(a: SqlType, b: SqlType): SqlType {
  const order: SqlTypeName[] = ["TINYINT", "SMALLINT", "INT", "BIGINT", "DECIMAL", "FLOAT", "DOUBLE"];
  return order.indexOf(a.name) >= order.indexOf(b.name) ? { name: a.name } : { name: b.name };
}
