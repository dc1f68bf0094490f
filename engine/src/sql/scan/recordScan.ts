/**
 * A table read as its connector's own records, with the projection and the watermark pushed into the
 * scan (Flink's `SupportsProjectionPushDown` and `SupportsWatermarkPushDown`): the source assigns the
 * rowtime and runs the table's watermark generator itself, and a query's Calc (calc/calc.ts) reads the
 * columns it uses straight from each record, so no row of the whole table is made per record (for
 * nexmark: an array of five columns per event, then the computed `dateTime`, then a timestamp
 * assigner, three operators before the query's). Readers that need rows (joins, windows, …) get them
 * from a Calc of all the table's columns over the same records.
 */
import type { DataStream } from "../../api/DataStream.js";
import type { StreamEnvironment } from "../../api/StreamEnvironment.js";
import type { Source } from "../../connectors/Source.js";
import { WatermarkStrategy } from "../../time/WatermarkStrategy.js";
import type { Expr } from "../ast.js";
import { CalcOperator, compileCalc, compileRecordValue, compileRecordValues, type ColumnReader } from "../calc/calc.js";
import type { Column, TableEntry } from "../catalog.js";
import { checkOptions, type Row, type ScanResult } from "../connectors.js";
import { nexmarkRecords } from "../connectors/nexmark.js";
import { SqlWatermarkAssigner } from "../watermarks.js";
import { stampRowtime } from "./stampRowtime.js";

/** What a connector offers for a record scan: its source, and each physical column as code over a record `r`. */
export interface RecordSource {
  source: Source<unknown>;
  bounded: boolean;
  columnCode(column: Column): string;
  /** Whether a computed column's expression is, for every record, the timestamp the source gives it already (then not computed again). */
  isOwnTimestamp?(expr: Expr): boolean;
}

/** A scan's records (timestamped by the rowtime column, watermarked) and how a Calc reads a column of one. */
export interface RecordScan {
  stream: DataStream<unknown>;
  columns: ColumnReader;
  /** The table's rows made of the records: a relation whose `stream` is still this one reads the records directly. */
  rows: DataStream<Row>;
}

/** The connectors whose records a query can read directly. */
const RECORD_SOURCES: Record<string, (table: TableEntry) => RecordSource> = { nexmark: nexmarkRecords };

/**
 * The table's scan as records when its connector offers them (undefined otherwise), with the
 * watermark (`index` of the rowtime column, `delay` of `WATERMARK FOR … AS … - INTERVAL …`) at the source.
 * The watermark is asked for only here (other connectors' scans plan theirs after the scan).
 */
export function recordScan(env: StreamEnvironment, table: TableEntry, watermarkOf: (() => { index: number; delay: number }) | undefined): (ScanResult & { records: RecordScan }) | undefined {
  const recordSource = RECORD_SOURCES[table.options.connector ?? ""];
  if (recordSource === undefined) return undefined;
  checkOptions(table);
  const { source, bounded, columnCode, isOwnTimestamp } = recordSource(table);
  const watermark = watermarkOf?.();
  const scope = table.columns.map((c, index) => ({ name: c.name, type: c.type, index }));
  const fromRecord: ColumnReader = (index) => {
    const c = table.columns[index] as Column;
    return c.computed ? { expr: c.computed, scope } : columnCode(c);
  };
  const all: Expr[] = table.columns.map((c) => ({ kind: "column", name: c.name, at: { line: 1, column: 1 } }));
  // The rowtime, computed from the record by the source, is the record's timestamp.
  const rowtime = watermark && (all[watermark.index] as Expr);
  const computed = watermark && table.columns[watermark.index]?.computed;
  const own = computed !== undefined && isOwnTimestamp?.(computed) === true;
  const stamped =
    rowtime && !own
      ? stampRowtime(
          source,
          compileRecordValues(scope, rowtime, fromRecord) as (values: readonly unknown[], out: number[]) => void,
          compileRecordValue(scope, rowtime, fromRecord) as (r: unknown) => number,
        )
      : source;
  const strategy = watermark && WatermarkStrategy.forGenerator<unknown>(() => new SqlWatermarkAssigner(watermark.delay));
  const stream = env.fromSource(stamped, strategy, `${table.name}[${table.options.connector}]`);
  // A Calc reads the rowtime as the record's timestamp (`t`), computed once by the source.
  const columns: ColumnReader = (index) => (watermark !== undefined && index === watermark.index ? "t" : fromRecord(index));
  const { fn } = compileCalc(scope, undefined, all, columns);
  const rows = stream.transform<Row>(`${table.name} rows`, (ctx) => new CalcOperator(fn, ctx));
  return { stream: rows, bounded, records: { stream, columns, rows } };
}
