import { parseCsvRecord } from "../../../connectors/file/csv.js";
import type { Column } from "../../catalog.js";
import type { Row } from "../../connectors.js";
import { StreamSqlError } from "../../errors.js";
import { jsonFieldValue } from "./jsonField.js";
import { textValue } from "./textValue.js";

/**
 * Under `csv.ignore-parse-errors` / `json.ignore-parse-errors`: told each parse error the decoder
 * skipped (a field read as NULL, or the row `dropped`), with the reason, for the job's dead letters.
 * The Kafka formats throw here for a dropped row: a message's dead letter is the message not read.
 */
export type Skipped = (reason: string, dropped: boolean) => void;

/** The json format's own options (Kafka's `json.timestamp-format.standard`, `json.fail-on-missing-field`). */
export interface JsonRowOptions {
  /** TIMESTAMP text in ISO-8601 (`yyyy-MM-ddTHH:mm:ss`), not SQL (`yyyy-MM-dd HH:mm:ss`). */
  iso?: boolean;
  failOnMissing?: boolean;
}

/** A line as a row, or `undefined` for none (an empty JSON line; a row dropped under ignore-parse-errors). */
export type LineDecode = (line: string) => Row | undefined;

/**
 * How the filesystem source reads a line (csv with 'csv.field-delimiter' / 'csv.null-literal', or
 * json) as the given columns' values. The sink writes with rowFormat.ts's encoders, whose text this reads.
 * Without `skipped` a parse error throws (the job fails, as Flink's); with it, the error is skipped as
 * Flink's `ignore-parse-errors` skips it (test/flink-sql/cases/ignoreParseErrors.ts): a field that
 * cannot be read is NULL (so are a CSV row's missing fields), a row that cannot be read at all (malformed
 * JSON, a CSV row with too many fields) is dropped — and `skipped` is told.
 */
export function lineDecoder(format: string, options: Record<string, string>): (columns: Column[], skipped?: Skipped) => LineDecode {
  return (columns, skipped) => (format === "csv" ? csvRow(columns, options["csv.field-delimiter"] ?? ",", options["csv.null-literal"], skipped) : jsonRow(columns, skipped));
}

/** `<format>.ignore-parse-errors` of a filesystem table: true or false (default), as Flink's boolean option. */
export function ignoresParseErrors(table: string, options: Record<string, string>): boolean {
  const key = `${options.format}.ignore-parse-errors`;
  const v = options[key];
  if (v === undefined) return false;
  if (!/^(true|false)$/i.test(v)) throw new StreamSqlError("validation", `table ${table}: '${key}' must be true or false, not '${v}'`, undefined, key);
  return v.toLowerCase() === "true";
}

/** Also the Kafka csv format's decoder (rowFormat.ts): Flink's file and Kafka CSV readers share CsvToRowDataConverters. */
export function csvRow(columns: Column[], delimiter: string, nullLiteral: string | undefined, skipped: Skipped | undefined): LineDecode {
  const n = columns.length;
  return (line) => {
    let fields: string[];
    try {
      fields = parseCsvRecord(line, delimiter);
    } catch (cause) {
      if (skipped === undefined) throw cause;
      skipped(`the row was dropped: ${(cause as Error).message}`, true);
      return undefined;
    }
    if (fields.length !== n) {
      // Flink's Jackson CSV schema refuses a field past the last column; a short row is a "Row length mismatch" (its missing fields NULL under ignore-parse-errors).
      const reason =
        fields.length > n ? `Too many entries: expected at most ${n} (value #${n} "${(fields[n] as string).slice(0, 80)}")` : `Row length mismatch. ${n} fields expected but was ${fields.length}.`;
      if (skipped === undefined) throw new StreamSqlError("validation", reason, undefined, undefined);
      if (fields.length > n) {
        skipped(`the row was dropped: ${reason}`, true);
        return undefined;
      }
      skipped(
        `${reason} (${columns
          .slice(fields.length)
          .map((c) => c.name)
          .join(", ")} read as NULL)`,
        false,
      );
    }
    const row: unknown[] = new Array(n);
    for (let i = 0; i < n; i++) {
      const f = fields[i];
      row[i] = f === undefined || f === nullLiteral ? null : fieldValue(columns[i] as Column, f, skipped);
    }
    return row;
  };
}

/** Also the Kafka json format's decoder (rowFormat.ts): Flink reads a file's line and a message with the same JsonRowDataDeserializationSchema. */
export function jsonRow(columns: Column[], skipped: Skipped | undefined, options: JsonRowOptions = {}): LineDecode {
  const { iso = false, failOnMissing = false } = options;
  return (line) => {
    // Flink's json file reader passes no empty line to the format (one of spaces is malformed).
    if (line === "") return undefined;
    let obj: unknown;
    try {
      obj = JSON.parse(line);
      if (obj === null || typeof obj !== "object" || Array.isArray(obj)) throw new Error("not a JSON object");
    } catch (cause) {
      const reason = `Failed to deserialize JSON '${line.slice(0, 200)}': ${(cause as Error).message}`;
      if (skipped === undefined) throw new StreamSqlError("validation", reason, undefined, undefined);
      skipped(`the row was dropped: ${reason}`, true);
      return undefined;
    }
    const fields = obj as Record<string, unknown>;
    return columns.map((c) => {
      const v = fields[c.name];
      // Flink checks this option only where ignore-parse-errors is off (both on is refused).
      if (v === undefined && failOnMissing) throw new StreamSqlError("validation", `Fail to deserialize at field: ${c.name}. (Could not find field with name '${c.name}'.)`, undefined, undefined);
      if (v === undefined || v === null) return null;
      try {
        return jsonFieldValue(c, v, iso);
      } catch (cause) {
        if (skipped === undefined || !(cause instanceof StreamSqlError)) throw cause;
        skipped(`${cause.detail} (read as NULL)`, false);
        return null;
      }
    });
  };
}

/** A field's value, its error naming the field (as Flink's "Fail to deserialize at field: v"); NULL under ignore-parse-errors. */
function fieldValue(c: Column, text: string, skipped: Skipped | undefined): unknown {
  try {
    return textValue(text, c.type);
  } catch (cause) {
    if (!(cause instanceof StreamSqlError)) throw cause;
    const reason = `field: ${c.name}: ${cause.detail}`;
    if (skipped === undefined) throw new StreamSqlError(cause.kind, reason, undefined, cause.token);
    skipped(`${reason} (read as NULL)`, false);
    return null;
  }
}
