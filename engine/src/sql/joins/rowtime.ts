import type { DataStream } from "../../api/DataStream.js";
import { missingTimestamp, NoTimestamp } from "../../operators/missingTimestamp.js";
import type { Row } from "../connectors.js";

/** The fix named when a rowtime is NULL: Flink fails the job too (its WatermarkAssignerOperator). */
export const NULL_ROWTIME_FIX =
  "Its rowtime is NULL, and a time attribute must not be (Flink: 'RowTime field should not be null, please convert it to a non-null long value'): " +
  "declare the WATERMARK on a column that is never NULL, e.g. a computed column COALESCE(ts, …).";

/** A table row's rowtime (column `index`), as a timestamp assigner reads it: a NULL one throws (the operator reports MissingTimestampError). */
export function rowtimeOf(row: Row, index: number): number {
  const t = row[index];
  if (t === null || t === undefined) throw new NoTimestamp(NULL_ROWTIME_FIX);
  return t as number;
}

/**
 * Gives each row the value of its rowtime column `index` as its record timestamp. Flink SQL's
 * windows read the time attribute from the row; Sluice's window operators read the record
 * timestamp, which only a scan sets from the rowtime. A join emits rows stamped with whichever
 * input row or cleanup timer produced them, so a window over a join (through a view) restamps first.
 */
export function stampRowtime(stream: DataStream<Row>, index: number): DataStream<Row> {
  return stampBy(stream, (r) => r[index] as number);
}

/** Gives each record `timeOf(record)` as its record timestamp: one "rowtime" operator, whatever the records are (rows, changes). A NULL time fails the job (MissingTimestampError). */
export function stampBy<T>(stream: DataStream<T>, timeOf: (value: T) => number): DataStream<T> {
  return stream
    .transform<T>("rowtime", (ctx) => {
      const stamp = (value: T): number => {
        const t = timeOf(value);
        if (t === null || t === undefined) throw missingTimestamp(ctx, undefined, value, NULL_ROWTIME_FIX);
        return t;
      };
      return {
        processBatch(batch: { values: readonly T[] }) {
          ctx.output.emitBatch(batch.values, batch.values.map(stamp));
        },
      };
    })
    .name("rowtime");
}
