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

function csvRow(columns: Column[], delimiter: string, nullLiteral: string | undefined): (line: string) => Row {
  return (line) => {
    const fields = parseCsvRecord(line, delimiter);
    return columns.map((c, i) => (fields[i] === nullLiteral ? null : textValue(fields[i], c.type)));
  };
}

function jsonRow(columns: Column[]): (line: string) => Row {
  return (line) => {
    const obj = JSON.parse(line) as Record<string, unknown>;
    return columns.map((c) => {
      const v = obj[c.name];
      return v === undefined || v === null ? null : typeof v === "string" ? textValue(v, c.type) : v;
    });
  };
}
