import type { KafkaRecord } from "../../connectors/kafka/KafkaClient.js";
import type { KafkaSerializer } from "../../connectors/kafka/formats.js";
import type { Column, TableEntry } from "../catalog.js";
import type { Row } from "../connectors.js";
import { durationMillis } from "../flinkDuration.js";
import { StreamSqlError } from "../errors.js";
import { FormatError, formatOptionPattern, rowFormat, type RowFormat } from "./rowFormat.js";

/** Kafka's metadata keys Sluice reads (Flink's names and types); only `timestamp` is writable, as in Flink. */
const READABLE_METADATA: Record<string, (r: KafkaRecord) => unknown> = {
  topic: (r) => r.topic,
  partition: (r) => r.partition,
  offset: (r) => r.offset,
  timestamp: (r) => r.timestamp,
};

/**
 * How a `kafka` / `upsert-kafka` table's columns map onto a Kafka record: which columns the key
 * format carries (`key.fields`, or the PRIMARY KEY for upsert-kafka), which the value format
 * carries (`value.fields-include`), and which are metadata.
 */
export interface KafkaLayout {
  brokers: string[];
  key: { format: RowFormat; columns: number[] } | undefined;
  value: { format: RowFormat; columns: number[] };
  /** Per column index: reads the column from the record's metadata. */
  metadata: Map<number, (r: KafkaRecord) => unknown>;
  /** The column written as the record timestamp (`METADATA FROM 'timestamp'`, not VIRTUAL). */
  timestampColumn: number | undefined;
}

/** Option keys both Kafka connectors share (the format keys are added per declared format). */
export const COMMON_KEYS = ["connector", "topic", "properties\\..+", "key\\.format", "key\\.fields-prefix", "value\\.format", "value\\.fields-include", "sink\\.parallelism"];

/** The format option keys the table's declared formats allow. */
export function formatKeys(o: Record<string, string>): string[] {
  const keys: string[] = [];
  if (o.format !== undefined) keys.push(formatOptionPattern("", o.format));
  if (o["value.format"] !== undefined) keys.push(formatOptionPattern("value.", o["value.format"]));
  if (o["key.format"] !== undefined) keys.push(formatOptionPattern("key.", o["key.format"]));
  return keys;
}

/** Options Flink knows and Sluice does not implement yet: refused by name rather than ignored. */
export function refuseNotYet(table: TableEntry, keys: string[]): void {
  for (const k of keys) if (table.options[k] !== undefined) throw new StreamSqlError("unsupported", `table ${table.name}: option '${k}' is not supported yet`, undefined, k);
  const unsafe = Object.keys(table.options).find((k) => /^properties\.(security\.protocol|sasl\.|ssl\.)/.test(k));
  if (unsafe)
    throw new StreamSqlError("unsupported", `table ${table.name}: '${unsafe}' is not supported in SQL yet (use Kafka.source/Kafka.sink with \`security\` from TypeScript)`, undefined, unsafe);
}

/** The brokers, formats and column split of a Kafka table; `keyNames` overrides `key.fields` (upsert-kafka's PRIMARY KEY). */
export function kafkaLayout(table: TableEntry, connector: string, keyNames?: string[]): KafkaLayout {
  const o = table.options;
  const servers = o["properties.bootstrap.servers"];
  if (!servers) throw new StreamSqlError("validation", `One or more required options are missing for '${connector}' table ${table.name}: properties.bootstrap.servers`, undefined, table.name);
  if (o.format !== undefined && o["value.format"] !== undefined)
    throw new StreamSqlError("validation", `table ${table.name}: set either 'format' or 'value.format', not both`, undefined, "value.format");
  const valueKey = o["value.format"] !== undefined ? "value.format" : "format";
  if (o[valueKey] === undefined) throw new StreamSqlError("validation", `Could not find required format 'value.format' (or 'format') for ${connector} table ${table.name}`, undefined, table.name);
  const metadata = new Map<number, (r: KafkaRecord) => unknown>();
  let timestampColumn: number | undefined;
  table.columns.forEach((c, i) => {
    if (!c.metadata) return;
    const read = READABLE_METADATA[c.metadata.key];
    if (!read)
      throw new StreamSqlError(
        "validation",
        `Invalid metadata key '${c.metadata.key}' in column '${c.name}' of table ${table.name}: the ${connector} connector reads ${Object.keys(READABLE_METADATA).join(", ")}`,
        undefined,
        c.metadata.key,
      );
    if (!c.metadata.virtual && c.metadata.key !== "timestamp")
      throw new StreamSqlError(
        "validation",
        `Invalid metadata key '${c.metadata.key}' in column '${c.name}' of table ${table.name}: only 'timestamp' is writable; declare the column VIRTUAL`,
        undefined,
        c.name,
      );
    metadata.set(i, read);
    if (!c.metadata.virtual) timestampColumn = i;
  });
  const physical = table.columns.map((_, i) => i).filter((i) => !metadata.has(i));
  const byName = (name: string): number => {
    const i = table.columns.findIndex((c) => c.name.toLowerCase() === name.trim().toLowerCase());
    if (i < 0 || metadata.has(i)) throw new StreamSqlError("validation", `table ${table.name}: key field '${name.trim()}' is not a physical column`, undefined, name);
    return i;
  };
  const keyFields = keyNames ?? (o["key.fields"] === undefined ? undefined : o["key.fields"].split(";"));
  if (keyFields !== undefined && o["key.format"] === undefined) throw new StreamSqlError("validation", `table ${table.name}: 'key.fields' needs a 'key.format'`, undefined, "key.fields");
  if (keyFields === undefined && o["key.format"] !== undefined)
    throw new StreamSqlError("validation", `A key format 'key.format' requires the declaration of one or more of key fields using 'key.fields' (table ${table.name})`, undefined, "key.format");
  const keyCols = keyFields?.map(byName);
  const include = (o["value.fields-include"] ?? "ALL").toUpperCase();
  if (include !== "ALL" && include !== "EXCEPT_KEY")
    throw new StreamSqlError("validation", `table ${table.name}: 'value.fields-include' must be ALL or EXCEPT_KEY, not '${include}'`, undefined, include);
  const prefix = o["key.fields-prefix"] ?? "";
  if (prefix !== "" && include !== "EXCEPT_KEY")
    throw new StreamSqlError("validation", `table ${table.name}: 'key.fields-prefix' needs 'value.fields-include' = 'EXCEPT_KEY'`, undefined, "key.fields-prefix");
  const valueCols = include === "EXCEPT_KEY" && keyCols ? physical.filter((i) => !keyCols.includes(i)) : physical;
  const pick = (cols: number[], strip: string): Column[] =>
    cols.map((i) => {
      const c = table.columns[i] as Column;
      return { ...c, name: strip && c.name.startsWith(strip) ? c.name.slice(strip.length) : c.name };
    });
  return {
    brokers: servers.split(",").map((s) => s.trim()),
    key: keyCols && { format: rowFormat(table.name, o, "key.format", pick(keyCols, prefix)), columns: keyCols },
    value: { format: rowFormat(table.name, o, valueKey, pick(valueCols, "")), columns: valueCols },
    metadata,
    timestampColumn,
  };
}

/** A record as a row of the table, `undefined` to skip it; a value the format cannot read throws (a dead letter). */
export function decodeRecord(layout: KafkaLayout, width: number, r: KafkaRecord, value: Row): Row | undefined {
  const row: Row = new Array(width).fill(null);
  layout.value.columns.forEach((c, j) => {
    row[c] = value[j];
  });
  if (layout.key) {
    if (r.key === null) throw new FormatError(`the record has no key, but the table reads ${layout.key.columns.length} key field(s) from it`);
    const key = layout.key.format.decode(r.key);
    if (key === undefined) return undefined;
    layout.key.columns.forEach((c, j) => {
      row[c] = key[j];
    });
  }
  for (const [i, read] of layout.metadata) row[i] = read(r);
  return row;
}

/**
 * The serializer of rows in the sink's schema (the table's columns without VIRTUAL ones): key and
 * value by the formats, the record timestamp from the `timestamp` metadata column, else none (the
 * producer's time, as Flink).
 */
export function rowSerializer(table: TableEntry, layout: KafkaLayout): KafkaSerializer<Row> & { tableRow: (row: Row) => Row } {
  const persisted = table.columns.map((c, i) => (c.metadata?.virtual ? -1 : i)).filter((i) => i >= 0);
  const tableRow = (row: Row): Row => {
    const full: Row = new Array(table.columns.length).fill(null);
    persisted.forEach((c, j) => {
      full[c] = row[j];
    });
    return full;
  };
  const serialize = (row: Row): ReturnType<KafkaSerializer<Row>> => {
    const full = tableRow(row);
    const pick = (cols: number[]): Row => cols.map((c) => full[c]);
    const out: ReturnType<KafkaSerializer<Row>> = { value: layout.value.format.encode(pick(layout.value.columns)) };
    if (layout.key) out.key = layout.key.format.encode(pick(layout.key.columns));
    const ts = layout.timestampColumn === undefined ? undefined : full[layout.timestampColumn];
    if (typeof ts === "number") out.timestamp = ts;
    return out;
  };
  return Object.assign(serialize, { tableRow });
}

/** Flink's durations as option values: `10 s`, `5 min`, `100ms`, `1h`, or plain milliseconds. */
export function parseDuration(table: string, key: string, text: string): number {
  const ms = durationMillis(text);
  if (ms === undefined) throw new StreamSqlError("validation", `table ${table}: '${key}' must be a duration such as '10 s', not '${text}'`, undefined, text);
  return ms;
}
