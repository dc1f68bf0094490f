import { parseCsvRecord } from "../../../connectors/file/csv.js";
import type { Column } from "../../catalog.js";
import type { Row } from "../../connectors.js";
import { StreamSqlError } from "../../errors.js";
import { parseTimestamp } from "../../runtimeFunctions.js";
import type { SqlType } from "../../types.js";

/**
 * How the filesystem source reads a line (csv with 'csv.field-delimiter' / 'csv.null-literal', or
 * json) as the given columns' values. The sink writes with rowFormat.ts's encoders, whose text this reads.
 */
export function lineDecoder(format: string, options: Record<string, string>): (columns: Column[]) => (line: string) => Row {
  return (columns) => (format === "csv" ? csvRow(columns, options["csv.field-delimiter"] ?? ",", options["csv.null-literal"]) : jsonRow(columns));
}

/**
 * A field's (or a partition directory's) text as a value of `type` (Flink's convertStringToInternalValue);
 * an empty number fails as in Flink's CSV format (declare 'csv.null-literal' = '' to read it as NULL).
 */
export function textValue(text: string | undefined | null, type: SqlType): unknown {
  if (text === undefined || text === null) return null;
  if (text === "" && type.name !== "STRING") throw new StreamSqlError("validation", `empty String is not a ${type.name} (set 'csv.null-literal')`, undefined, text);
  switch (type.name) {
    case "TINYINT":
    case "SMALLINT":
    case "INT":
    case "BIGINT":
      return integerValue(text, type.name);
    case "FLOAT":
    case "DOUBLE":
    case "DECIMAL": {
      const n = Number(text);
      if (Number.isNaN(n)) throw new StreamSqlError("validation", `'${text}' is not a ${type.name}`, undefined, text);
      return n;
    }
    case "BOOLEAN":
      return text.toLowerCase() === "true";
    case "TIMESTAMP": {
      const ms = parseTimestamp(text);
      if (ms === null) throw new StreamSqlError("validation", `'${text}' is not a TIMESTAMP (yyyy-MM-dd HH:mm:ss[.SSS])`, undefined, text);
      return ms;
    }
    default:
      return text;
  }
}

/** Java's `parseInt`/`parseLong`/… after a trim, as Flink's formats read an integer column: a sign and digits, in the type's range. */
const INTEGER_RANGE: Record<string, readonly [bigint, bigint]> = {
  TINYINT: [-128n, 127n],
  SMALLINT: [-32768n, 32767n],
  INT: [-2147483648n, 2147483647n],
  BIGINT: [-9223372036854775808n, 9223372036854775807n],
};

function integerValue(text: string, type: string): number {
  const t = text.trim();
  if (!/^[+-]?\d+$/.test(t)) throw new StreamSqlError("validation", `For input string: "${text}" (the column is ${type})`, undefined, text);
  const [lo, hi] = INTEGER_RANGE[type] as readonly [bigint, bigint];
  // Up to 15 characters a double holds the value exactly: compare as numbers, no BigInt per field of a file.
  if (t.length <= 15) {
    const v = Number(t);
    if (v >= Number(lo) && v <= Number(hi)) return v + 0; // "-0" is 0, as parseInt reads it
  }
  const n = BigInt(t);
  if (n < lo || n > hi) throw new StreamSqlError("validation", `Value out of range. Value:"${text}" (a ${type} is ${lo} to ${hi})`, undefined, text);
  return Number(n);
}

function csvRow(columns: Column[], delimiter: string, nullLiteral: string | undefined): (line: string) => Row {
  return (line) => {
    const fields = parseCsvRecord(line, delimiter);
    return columns.map((c, i) => (fields[i] === nullLiteral ? null : fieldValue(c, fields[i])));
  };
}

function jsonRow(columns: Column[]): (line: string) => Row {
  return (line) => {
    const obj = JSON.parse(line) as Record<string, unknown>;
    return columns.map((c) => {
      const v = obj[c.name];
      return v === undefined || v === null ? null : typeof v === "string" ? fieldValue(c, v) : v;
    });
  };
}

/** A field's value, its error naming the field (as Flink's "Fail to deserialize at field: v"). */
function fieldValue(c: Column, text: string | undefined): unknown {
  try {
    return textValue(text, c.type);
  } catch (cause) {
    if (cause instanceof StreamSqlError) throw new StreamSqlError(cause.kind, `field: ${c.name}: ${cause.detail}`, undefined, cause.token);
    throw cause;
  }
}
