import type { Column } from "../catalog.js";
import type { Row } from "../connectors.js";
import { StreamSqlError } from "../errors.js";
import type { SqlType } from "../types.js";
import { doubleText } from "../rows/doubleText.js";
import { csvRow, jsonRow, type LineDecode, type Skipped } from "./filesystem/lineDecode.js";

/**
 * Flink's `json`, `csv` and `raw` formats for rows of a table's columns: bytes ↔ row arrays in the
 * given column order. Option keys are the format's own (`json.ignore-parse-errors`), read under
 * the prefix Flink reads them under: `json.` for `'format'`, `value.json.` for `'value.format'`,
 * `key.json.` for `'key.format'`.
 */
export interface RowFormat {
  /** A row, or `undefined` to skip the message (a parse error under `*.ignore-parse-errors`). Throws `FormatError` otherwise. */
  decode(bytes: Buffer): Row | undefined;
  encode(row: Row): Buffer;
}

/** A message the format cannot read: becomes a dead letter with this reason. */
export class FormatError extends Error {
  override name = "FormatError";
}

const FORMAT_OPTIONS: Record<string, { supported: string[]; known: string[] }> = {
  // `known`: Flink's other option keys of the format; accepted by the validator, refused as not supported yet.
  json: {
    supported: ["fail-on-missing-field", "ignore-parse-errors", "timestamp-format.standard", "encode.ignore-null-fields"],
    known: ["map-null-key.mode", "map-null-key.literal", "encode.decimal-as-plain-number", "decode.json-parser.enabled"],
  },
  csv: {
    supported: ["field-delimiter", "ignore-parse-errors", "null-literal", "allow-comments"],
    known: ["disable-quote-character", "quote-character", "array-element-delimiter", "escape-character", "write-bigdecimal-in-scientific-notation"],
  },
  raw: { supported: ["charset"], known: ["endianness"] },
};

/** The format option keys a table may carry for `format` under `prefix` (e.g. `value.`): a RegExp source. */
export function formatOptionPattern(prefix: string, format: string): string {
  const o = FORMAT_OPTIONS[format];
  if (!o) return "(?!)";
  return `${prefix.replace(/\./g, "\\.")}${format}\\.(${[...o.supported, ...o.known].map((k) => k.replace(/\./g, "\\.")).join("|")})`;
}

/**
 * The row format named by `options[formatKey]` over `columns`, its options read under the prefix
 * Flink uses for that key. `table` names the table in errors.
 */
export function rowFormat(table: string, options: Record<string, string>, formatKey: string, columns: Column[]): RowFormat {
  const format = options[formatKey];
  if (format === undefined) throw new StreamSqlError("validation", `table ${table}: option '${formatKey}' is required`, undefined, formatKey);
  const spec = FORMAT_OPTIONS[format];
  if (!spec) throw new StreamSqlError("unsupported", `table ${table}: format '${format}' is not supported (json, csv, raw are)`, undefined, format);
  const prefix = `${formatKey === "format" ? "" : formatKey.slice(0, -"format".length)}${format}.`;
  const opt = (k: string): string | undefined => options[prefix + k];
  for (const k of spec.known) {
    if (opt(k) !== undefined) throw new StreamSqlError("unsupported", `table ${table}: option '${prefix}${k}' is not supported yet`, undefined, prefix + k);
  }
  const bool = (k: string): boolean => {
    const v = opt(k);
    if (v === undefined) return false;
    if (!/^(true|false)$/i.test(v)) throw new StreamSqlError("validation", `table ${table}: '${prefix}${k}' must be true or false, not '${v}'`, undefined, prefix + k);
    return v.toLowerCase() === "true";
  };
  // Flink nulls a field it cannot read and skips a message it cannot read at all; the skipped one is a dead letter here.
  const skipped: Skipped | undefined = bool("ignore-parse-errors")
    ? (reason, dropped) => {
        if (dropped) throw new FormatError(reason);
      }
    : undefined;
  switch (format) {
    case "json": {
      const iso = parseStandard(table, opt("timestamp-format.standard"), prefix);
      const failOnMissing = bool("fail-on-missing-field");
      if (failOnMissing && skipped)
        throw new StreamSqlError("validation", `table ${table}: fail-on-missing-field and ignore-parse-errors shouldn't both be true`, undefined, `${prefix}fail-on-missing-field`);
      return { decode: jsonDecoder(jsonRow(columns, skipped, { iso, failOnMissing })), encode: jsonEncoder(columns, bool("encode.ignore-null-fields"), iso) };
    }
    case "csv": {
      const delimiter = opt("field-delimiter") ?? ",";
      if (delimiter.length !== 1)
        throw new StreamSqlError("validation", `table ${table}: '${prefix}field-delimiter' must be a single character, not '${delimiter}'`, undefined, `${prefix}field-delimiter`);
      const nullLiteral = opt("null-literal");
      return { decode: csvDecoder(csvRow(columns, delimiter, nullLiteral, skipped), bool("allow-comments")), encode: csvEncoder(columns, delimiter, nullLiteral) };
    }
    default: {
      const charset = (opt("charset") ?? "UTF-8").toUpperCase();
      if (charset !== "UTF-8" && charset !== "UTF8") throw new StreamSqlError("unsupported", `table ${table}: raw.charset '${charset}' is not supported (UTF-8 is)`, undefined, `${prefix}charset`);
      if (columns.length !== 1 || columns[0]?.type.name !== "STRING")
        throw new StreamSqlError("validation", `table ${table}: the 'raw' format supports only a single physical column of type STRING here`, undefined, "raw");
      return { decode: (bytes) => [bytes.toString("utf8")], encode: (row) => Buffer.from(row[0] === null || row[0] === undefined ? "" : String(row[0]), "utf8") };
    }
  }
}

function parseStandard(table: string, v: string | undefined, prefix: string): boolean {
  if (v === undefined || v.toUpperCase() === "SQL") return false;
  if (v.toUpperCase() === "ISO-8601") return true;
  throw new StreamSqlError("validation", `table ${table}: unsupported value '${v}' for ${prefix}timestamp-format.standard (SQL, ISO-8601)`, undefined, v);
}

/** `yyyy-MM-dd HH:mm:ss[.f…]` (SQL) or `yyyy-MM-ddTHH:mm:ss[.f…]` (ISO-8601) as epoch ms, or null. */
export function parseTimestampText(text: string, iso: boolean): number | null {
  const m = (iso ? /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?Z?$/ : /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?$/).exec(text);
  if (!m) return null;
  const ms = Date.parse(`${m[1]}T${m[2]}.${((m[3] ?? "") + "000").slice(0, 3)}Z`);
  return Number.isNaN(ms) ? null : ms;
}

/** A TIMESTAMP as Flink's formats write it: seconds always, the fraction only as long as needed (SQL), or in groups of 3 (ISO-8601). */
export function formatTimestampText(ms: number, iso: boolean): string {
  const [date, time] = new Date(ms).toISOString().replace("Z", "").split("T") as [string, string];
  const [hms, frac = "000"] = time.split(".");
  const fraction = frac === "000" ? "" : `.${iso ? frac : frac.replace(/0+$/, "")}`;
  return `${date}${iso ? "T" : " "}${hms}${fraction}`;
}

/** A value as text the way Flink's formats (Jackson) write it: DOUBLE 1 as `1.0`. */
function scalarText(v: unknown, type: SqlType | undefined, iso: boolean): string {
  if (type?.name === "TIMESTAMP" && typeof v === "number") return formatTimestampText(v, iso);
  if (type?.name === "DOUBLE" && typeof v === "number") return doubleText(v);
  if (type?.name === "FLOAT" && typeof v === "number" && Number.isInteger(v)) return `${v}.0`;
  return String(v);
}

/**
 * A message as its row: the decoder the filesystem source reads a line with (Flink's json format is
 * one schema for both), its errors as FormatErrors (the message's dead letter). An empty message is
 * no row and JSON `null` is an error, as in Flink 1.20 (sqlKafkaParseErrors.test.ts).
 */
function jsonDecoder(decode: LineDecode): (bytes: Buffer) => Row | undefined {
  return (bytes) => asFormatError(() => decode(bytes.toString("utf8")));
}

/** Errors of the shared decoders (StreamSqlErrors: a field or a row Flink cannot read) as the dead letter's FormatError. */
function asFormatError(decode: () => Row | undefined): Row | undefined {
  try {
    return decode();
  } catch (cause) {
    if (cause instanceof StreamSqlError) throw new FormatError(cause.detail, { cause });
    throw cause;
  }
}

function jsonEncoder(columns: Column[], ignoreNulls: boolean, iso: boolean): (row: Row) => Buffer {
  return (row) => {
    const fields: string[] = [];
    columns.forEach((c, i) => {
      const v = row[i];
      if (v === null || v === undefined) {
        if (!ignoreNulls) fields.push(`${JSON.stringify(c.name)}:null`);
        return;
      }
      const t = c.type.name;
      const numeric = typeof v === "number" && t !== "TIMESTAMP" && t !== "STRING" && t !== "DATE";
      fields.push(`${JSON.stringify(c.name)}:${numeric || typeof v === "boolean" ? scalarText(v, c.type, iso) : JSON.stringify(t === "TIMESTAMP" ? scalarText(v, c.type, iso) : String(v))}`);
    });
    return Buffer.from(`{${fields.join(",")}}`, "utf8");
  };
}

/**
 * A message as one CSV record (a trailing line break dropped). An empty message is an error, Jackson's
 * as Flink 1.20 reports it (a file's empty line is one empty field): a dead letter, ignore-parse-errors or not.
 */
function csvDecoder(decode: LineDecode, allowComments: boolean): (bytes: Buffer) => Row | undefined {
  return (bytes) => {
    const line = bytes.toString("utf8").replace(/\r?\n$/, "");
    if (allowComments && line.startsWith("#")) return undefined;
    if (line === "") throw new FormatError("No content to map due to end-of-input");
    return asFormatError(() => decode(line));
  };
}

/**
 * Flink's CSV format writes through Jackson's CsvEncoder, whose default (loose) check quotes a text
 * value longer than 24 characters or holding any character below max(delimiter, '"', '\n') + 1 —
 * with ',' anything below '-', such as a space: TIMESTAMPs are quoted. Numbers and booleans never are.
 */
function needsQuotes(text: string, minSafe: number): boolean {
  if (text.length > 24) return true;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) < minSafe) return true;
  return false;
}

function csvEncoder(columns: Column[], delimiter: string, nullLiteral: string | undefined): (row: Row) => Buffer {
  const minSafe = Math.max(delimiter.charCodeAt(0), 34, 10) + 1;
  return (row) =>
    Buffer.from(
      columns
        .map((c, i) => {
          const v = row[i];
          if (v === null || v === undefined) return nullLiteral ?? "";
          const text = scalarText(v, c.type, false);
          const textual = typeof v === "string" || c.type.name === "TIMESTAMP";
          return textual && needsQuotes(text, minSafe) ? `"${text.replace(/"/g, '""')}"` : text;
        })
        .join(delimiter),
      "utf8",
    );
}
