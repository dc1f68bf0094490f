import type { StreamEnvironment } from "../../api/StreamEnvironment.js";
import type { Source } from "../../connectors/Source.js";
import type { ErrorPolicy } from "../../operators/Operator.js";
import type { Sink } from "../../sinks/Sink.js";
import type { TableEntry } from "../catalog.js";
import type { Change } from "../changelog.js";
import type { Row, ScanResult } from "../connectors.js";
import { dataStreamConnector } from "../interop/dataStreamTable.js";
import { fileSystemConnector } from "./filesystem/index.js";
import { kafkaConnector } from "./kafka.js";
import { upsertKafkaConnector } from "./upsertKafka.js";

/**
 * A SQL connector that lives in its own file: what `connectors.ts` asks it for. Connectors that
 * predate the registry (datagen, print, blackhole, duckdb) are still switched on there.
 */
export interface SqlConnector {
  /** Every option key the table may carry, given its options (format keys depend on the format). */
  optionKeys(options: Record<string, string>): RegExp;
  /** Refuses a declaration Flink refuses (missing or conflicting options), before anything runs. */
  validate(table: TableEntry): void;
  scan?(env: StreamEnvironment, table: TableEntry): ScanResult;
  /**
   * The source of `scan`, for connectors whose source can take the table's watermark (Flink's
   * `SupportsWatermarkPushDown`): the planner then runs the watermark generator in the source, one
   * per split (a Kafka partition) as Flink does, not after it once per subtask (scan/watermarkPushDown.ts).
   */
  source?(table: TableEntry): SqlScanSource;
  /** An append-only INSERT's sink; rows in the table's sink schema (its columns less VIRTUAL metadata). */
  sink?(table: TableEntry): Sink<Row>;
  /** An updating INSERT's sink. */
  changelogSink?(table: TableEntry): Sink<Change>;
}

/** A connector's source of rows (physical columns, in order), whether it ends, and its records' error policy. */
export interface SqlScanSource {
  source: Source<Row>;
  bounded: boolean;
  errors?: ErrorPolicy;
}

export const SQL_CONNECTORS: Record<string, SqlConnector> = {
  kafka: kafkaConnector,
  "upsert-kafka": upsertKafkaConnector,
  datastream: dataStreamConnector,
  filesystem: fileSystemConnector,
};
