import type { DataStream } from "../../api/DataStream.js";
import type { Row } from "../connectors.js";

/**
 * Gives each row the value of its rowtime column `index` as its record timestamp. Flink SQL's
 * windows read the time attribute from the row; Sluice's window operators read the record
 * timestamp, which only a scan sets from the rowtime. A join emits rows stamped with whichever
 * input row or cleanup timer produced them, so a window over a join (through a view) restamps first.
 */
export function stampRowtime(stream: DataStream<Row>, index: number): DataStream<Row> {
  return stampBy(stream, (r) => r[index] as number);
}

/** Gives each record `timeOf(record)` as its record timestamp: one "rowtime" operator, whatever the records are (rows, changes). */
export function stampBy<T>(stream: DataStream<T>, timeOf: (value: T) => number): DataStream<T> {
  return stream
    .transform<T>("rowtime", (ctx) => ({
      processBatch(batch: { values: readonly T[] }) {
        ctx.output.emitBatch(batch.values, batch.values.map(timeOf));
      },
    }))
    .name("rowtime");
}
