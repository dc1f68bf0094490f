/**
 * Flink's `SupportsWatermarkPushDown` for connectors whose source is made of splits (Kafka: one per
 * partition). Flink's KafkaDynamicSource takes the table's watermark into its KafkaSource, whose
 * SourceOperator runs one generator per partition and emits the minimum over the partitions that are
 * not idle. A watermark assigned after the source, once per subtask, instead jumps to the partition
 * that runs furthest ahead, and rows of the others that a window still needs come late and are
 * dropped. So the computed columns, the rowtime and the generator go into the source here (the
 * engine gives a reader with `splits()` one generator per split: time/WatermarkMultiplexer.ts).
 * Per-split watermarks are not checkpointed, as Flink's SourceOperator keeps none in its state:
 * after a restore each partition starts without one, holding the minimum back until its first record.
 */
import type { StreamEnvironment } from "../../api/StreamEnvironment.js";
import type { TableEntry } from "../catalog.js";
import { checkOptions, type Row, type ScanResult } from "../connectors.js";
import { SQL_CONNECTORS } from "../connectors/registry.js";
import { rowtimeOf } from "../joins/rowtime.js";
import { computedRow, physicalTable } from "../ddl/computedColumns.js";
import { sourceWatermarks } from "./sourceIdleTimeout.js";
import { mapValues, stampRowtime } from "./stampRowtime.js";

/**
 * The table's scan with its watermark (`index` of the rowtime column, `delay` of `WATERMARK FOR …
 * AS … - INTERVAL …`) generated in its source, or undefined when its connector offers no source.
 * `scan.watermark.idle-timeout` (a table option), else `table.exec.source.idle-timeout`, marks a
 * split idle after that long without records.
 */
export function watermarkPushDown(env: StreamEnvironment, table: TableEntry, watermark: { index: number; delay: number }): ScanResult | undefined {
  const connector = SQL_CONNECTORS[table.options.connector ?? ""];
  if (connector?.source === undefined) return undefined;
  checkOptions(table);
  const { source, bounded, errors } = connector.source(physicalTable(table));
  const rows = table.columns.some((c) => c.computed) ? mapValues(source, "computed columns", computedRow(table)) : source;
  const { index, delay } = watermark;
  const stamped = stampRowtime(
    rows,
    (values, out) => {
      for (let i = 0; i < values.length; i++) out[i] = rowtimeOf(values[i] as Row, index);
    },
    (r) => rowtimeOf(r, index),
  );
  const stream = env.fromSource(stamped, sourceWatermarks<Row>(env, table, delay), source.name);
  if (errors !== undefined) stream.onError(errors);
  return { stream, bounded };
}
