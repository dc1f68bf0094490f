import type { Column } from "../../catalog.js";
import { StreamSqlError } from "../../errors.js";
import { parseTimestampText } from "../rowFormat.js";
import { integerValue, textValue } from "./textValue.js";

/**
 * A JSON field's value as the column's, as Flink 1.20's json format reads a file's line
 * (JsonParserToRowDataConverters; the cases of test/flink-sql/cases/ignoreParseErrors.ts):
 * a number in an integer column is truncated toward zero, then range-checked (1.5 reads as 1 in
 * an INT, fails in a TINYINT, which Flink parses from the number's text); a string is parsed as
 * the column's text; a boolean, object or array where a number or a TIMESTAMP is wanted fails;
 * a STRING column holds any other value's JSON text, a BOOLEAN is true only for true or "true".
 * Throws a StreamSqlError naming the field (Flink's "Fail to deserialize at field: v.").
 * `iso`: `json.timestamp-format.standard` = 'ISO-8601' (a Kafka table's option).
 */
export function jsonFieldValue(c: Column, v: unknown, iso = false): unknown {
  const t = c.type.name;
  if (typeof v === "string") {
    if (t === "TIMESTAMP") {
      const ms = parseTimestampText(v, iso);
      if (ms === null) throw fieldError(c, `${shown(v)} is not a TIMESTAMP in ${iso ? "ISO-8601 (yyyy-MM-ddTHH:mm:ss[.SSS])" : "SQL (yyyy-MM-dd HH:mm:ss[.SSS])"} format`);
      return ms;
    }
    try {
      return textValue(v, c.type);
    } catch (cause) {
      if (cause instanceof StreamSqlError) throw fieldError(c, cause.detail);
      throw cause;
    }
  }
  switch (t) {
    case "STRING":
      return JSON.stringify(v);
    case "BOOLEAN":
      return v === true;
    case "TINYINT":
    case "SMALLINT":
      if (typeof v === "number" && Number.isInteger(v)) return inRange(v, t) ? v + 0 : integer(c, String(v));
      throw fieldError(c, `${shown(v)} cannot be read as ${t}`);
    case "INT":
    case "BIGINT":
      if (typeof v === "number") {
        const n = Math.trunc(v);
        // The common case without the text round trip (every integer field of a Kafka message goes here).
        return inRange(n, t) ? n + 0 : integer(c, String(n));
      }
      throw fieldError(c, `${shown(v)} cannot be read as ${t}`);
    case "FLOAT":
    case "DOUBLE":
    case "DECIMAL":
      if (typeof v === "number") return v;
      throw fieldError(c, `${shown(v)} cannot be read as ${t}`);
    case "TIMESTAMP":
      throw fieldError(c, `${shown(v)} cannot be read as TIMESTAMP (a string is wanted)`);
    default:
      return v;
  }
}

const SAFE_RANGE: Record<string, number> = { TINYINT: 127, SMALLINT: 32767, INT: 2147483647, BIGINT: Number.MAX_SAFE_INTEGER };

/** Within the type's range and exact as a double (a BIGINT past 2^53 takes integerValue's exact check). */
function inRange(n: number, type: string): boolean {
  const max = SAFE_RANGE[type] as number;
  return n <= max && n >= -max - (type === "BIGINT" ? 0 : 1);
}

function integer(c: Column, text: string): number {
  try {
    return integerValue(text, c.type.name);
  } catch (cause) {
    if (cause instanceof StreamSqlError) throw fieldError(c, cause.detail);
    throw cause;
  }
}

function fieldError(c: Column, detail: string): StreamSqlError {
  return new StreamSqlError("validation", `Fail to deserialize at field: ${c.name}. (${detail})`, undefined, undefined);
}

function shown(v: unknown): string {
  return (JSON.stringify(v) ?? String(v)).slice(0, 80);
}
