import type { DataStream } from "../api/DataStream.js";
import type { StreamEnvironment } from "../api/StreamEnvironment.js";
import { generatorSource } from "../connectors/datagen/DataGenSource.js";
import type { Sink } from "../sinks/Sink.js";
import type { TableEntry } from "./catalog.js";
import type { Change } from "./changelog.js";
import { NEXMARK_OPTIONS } from "./connectors/nexmark.js";
import { duckdbSink } from "./duckdbSink.js";
import { StreamSqlError } from "./errors.js";
import { SQL_CONNECTORS } from "./connectors/registry.js";
import { formatTimestamp } from "./runtimeFunctions.js";
import type { SqlType } from "./types.js";
import { runsOnAnyThread } from "../runtime/workers/slots.js";
import { doubleText } from "./rows/doubleText.js";

export type Row = unknown[];

/**
 * A table read as a stream of rows in schema order (or, `changes`, as a changelog keyed by `uniqueKey`), and whether it ends.
 * `parallelism`: the scan's own, fixed by its source (a file is read by one reader); the table's watermark runs at it,
 * per reader as in Flink, before the rows are spread to the query's parallelism.
 */
export type ScanResult =
  | { stream: DataStream<Row>; bounded: boolean; changes?: undefined; parallelism?: number }
  | { changes: DataStream<Change>; uniqueKey: number[]; bounded: boolean; stream?: undefined };

const KNOWN_OPTIONS: Record<string, RegExp> = {
  datagen: /^(connector|rows-per-second|number-of-rows|fields\.[^.]+\.(kind|min|max|start|end|length))$/,
  print: /^(connector|print-identifier)$/,
  blackhole: /^connector$/,
  duckdb: /^(connector|table-name)$/,
  nexmark: NEXMARK_OPTIONS,
};

/** Flink's option keys only: an unknown key fails as in Flink ("Unsupported options found for 'x'"). */
export function checkOptions(table: TableEntry): void {
  const connector = table.options.connector as string;
  const registered = SQL_CONNECTORS[connector];
  const known = registered?.optionKeys(table.options) ?? KNOWN_OPTIONS[connector];
  if (!known)
    throw new StreamSqlError(
      "unsupported",
      `connector '${connector}' is not supported yet (datagen, nexmark, print, blackhole, duckdb, ${Object.keys(SQL_CONNECTORS).join(", ")} are)`,
      undefined,
      connector,
    );
  const unknown = Object.keys(table.options).filter((k) => !known.test(k));
  if (unknown.length > 0) throw new StreamSqlError("validation", `Unsupported options found for '${connector}': ${unknown.join(", ")}`, undefined, unknown[0]);
  const metadata = table.columns.find((c) => c.metadata);
  if (metadata && !registered)
    throw new StreamSqlError("validation", `Invalid metadata key '${metadata.metadata?.key}' in column '${metadata.name}': the '${connector}' connector has no metadata`, undefined, metadata.name);
  if (table.partitionKeys && connector !== "filesystem")
    throw new StreamSqlError(
      "validation",
      `Table '${table.name}' is a partitioned table, but the underlying DynamicTableSink doesn't implement the SupportsPartitioning interface.`,
      undefined,
      table.name,
    );
  registered?.validate(table);
}

export function scanTable(env: StreamEnvironment, table: TableEntry): ScanResult {
  checkOptions(table);
  const o = table.options;
  const registered = SQL_CONNECTORS[o.connector as string]?.scan;
  if (registered) return registered(env, table);
  switch (o.connector) {
    case "datagen":
      return datagen(env, table);
    // nexmark: read as records by the planner (scan/recordScan.ts), never as rows of its own.
    default:
      throw new StreamSqlError("unsupported", `connector '${o.connector}' cannot be read from`, undefined, o.connector);
  }
}

/** A sink for INSERT INTO, by the table's connector. */
export function sinkFor(table: TableEntry, types: SqlType[]): Sink<Row> {
  checkOptions(table);
  const registered = SQL_CONNECTORS[table.options.connector as string]?.sink;
  if (registered) return registered(table);
  switch (table.options.connector) {
    case "print": {
      const line = printLine(table, types);
      return { name: `print ${table.name}`, createWriter: () => ({ write: (rows) => void rows.forEach((r) => console.log(line("+I", r))) }) };
    }
    case "blackhole":
      return runsOnAnyThread({ name: `blackhole ${table.name}`, createWriter: () => ({ write: () => undefined }) });
    case "duckdb":
      return duckdbSink(table);
    default:
      throw new StreamSqlError("unsupported", `INSERT INTO a '${table.options.connector}' table is not supported yet (print, blackhole, duckdb are)`, undefined, table.name);
  }
}

/**
 * A print table's sink of an updating result: each change as Flink's print connector writes it, its kind
 * first (`-U[1, a]`, `+U[1, b]`, `-D[…]`). Without state, so a job restores into it at any parallelism.
 */
export function printChangelogSink(table: TableEntry, types: SqlType[]): Sink<Change> {
  const line = printLine(table, types);
  return { name: `print ${table.name}`, createWriter: () => ({ write: (changes) => void changes.forEach((c) => console.log(line(c.kind, c.row))) }) };
}

/** Flink's print connector writes `+I[1, a]` (with `identifier> ` in front when given). */
function printLine(table: TableEntry, types: SqlType[]): (kind: string, row: Row) => string {
  const prefix = table.options["print-identifier"] ? `${table.options["print-identifier"]}> ` : "";
  return (kind, row) => `${prefix}${kind}[${row.map((v, i) => display(v, types[i])).join(", ")}]`;
}

/** A value as Flink prints it in a result table. */
export function display(v: unknown, type: SqlType | undefined): string {
  if (v === null || v === undefined) return "<NULL>";
  if (type?.name === "TIMESTAMP") return formatTimestamp(v as number);
  if (type?.name === "DOUBLE" && typeof v === "number") return doubleText(v);
  if (type?.name === "FLOAT" && Number.isInteger(v)) return `${v as number}.0`;
  if (type?.name === "BOOLEAN") return v ? "TRUE" : "FALSE";
  if (type?.fields) return `(${type.fields.map((f) => display((v as Record<string, unknown>)[f.name], f.type)).join(", ")})`;
  return String(v);
}

/**
 * Flink's datagen: `number-of-rows` (unbounded without it), `rows-per-second` (default 10000),
 * per field `kind` random|sequence with `min`/`max`, `start`/`end`, `length` (strings, default 100).
 * Random values follow Sluice's seeded generator, not Flink's; sequences are the same values.
 * TIMESTAMP fields are the generation time, as Flink's: row i's is the job's start (to the second) plus
 * i / rows-per-second, and a job restored from a savepoint continues that line rather than jump to now.
 */
function datagen(env: StreamEnvironment, table: TableEntry): ScanResult {
  const o = table.options;
  const opt = (col: string, key: string): string | undefined => o[`fields.${col}.${key}`];
  let count = o["number-of-rows"] !== undefined ? Number(o["number-of-rows"]) : Number.POSITIVE_INFINITY;
  const makers = table.columns.map((c) => {
    if (opt(c.name, "kind") === "sequence") {
      const start = Number(opt(c.name, "start") ?? NaN);
      const end = Number(opt(c.name, "end") ?? NaN);
      if (!Number.isFinite(start) || !Number.isFinite(end)) throw new StreamSqlError("validation", `datagen sequence field ${c.name} needs fields.${c.name}.start and .end`, undefined, c.name);
      count = Math.min(count, end - start + 1);
      return (i: number): unknown => start + i;
    }
    const t = c.type.name;
    if (t === "TIMESTAMP") return (_i: number, ts: number): unknown => ts;
    if (t === "BOOLEAN") return (_i: number, _ts: number, rng: () => number): unknown => rng() < 0.5;
    if (t === "STRING") {
      const length = Number(opt(c.name, "length") ?? 100);
      return (_i: number, _ts: number, rng: () => number): unknown => Array.from({ length }, () => "0123456789abcdef"[Math.floor(rng() * 16)]).join("");
    }
    const min = Number(opt(c.name, "min") ?? (t === "DOUBLE" || t === "FLOAT" ? 0 : -2147483648));
    const max = Number(opt(c.name, "max") ?? (t === "DOUBLE" || t === "FLOAT" ? 1 : 2147483647));
    if (t === "DOUBLE" || t === "FLOAT" || t === "DECIMAL") return (_i: number, _ts: number, rng: () => number): unknown => min + rng() * (max - min);
    return (_i: number, _ts: number, rng: () => number): unknown => min + Math.floor(rng() * (max - min + 1));
  });
  const rate = Number(o["rows-per-second"] ?? 10000);
  const source = generatorSource<Row>(`${table.name}[datagen]`, (i, ts, rng) => makers.map((m) => m(i, ts, rng)), {
    rate,
    count,
    // The job's start to the whole second, so row i falls in the same windows of whole seconds in every run; restored with the position.
    startTime: Math.floor(env.clock.now() / 1000) * 1000,
    eventsPerSecond: Number.isFinite(rate) ? rate : 1000,
  });
  return { stream: env.fromSource(source, undefined, `${table.name}[datagen]`), bounded: Number.isFinite(count) };
}
