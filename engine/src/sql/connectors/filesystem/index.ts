import type { StreamEnvironment } from "../../../api/StreamEnvironment.js";
import type { Sink } from "../../../sinks/Sink.js";
import type { TableEntry } from "../../catalog.js";
import type { Change } from "../../changelog.js";
import type { Row, ScanResult } from "../../connectors.js";
import { StreamSqlError } from "../../errors.js";
import type { SqlConnector } from "../registry.js";
import { fileSystemSink } from "./fileSystemSink.js";
import { fileSystemScan } from "./fileSystemSource.js";
import { lineDecoder } from "./lineDecode.js";
import { fileSystemOptionKeys, validateFileSystem } from "./options.js";

/**
 * Flink's `filesystem` SQL connector with its option keys: reads a file or a directory (partitions
 * included), writes part files with rolling, exactly-once commit and partition commit (fileSystemSink.ts).
 */
export const fileSystemConnector: SqlConnector = {
  optionKeys: fileSystemOptionKeys,
  validate: validateFileSystem,

  scan(env: StreamEnvironment, table: TableEntry): ScanResult {
    const o = table.options;
    const read = ["csv.field-delimiter", "csv.null-literal", "csv.ignore-parse-errors", "json.ignore-parse-errors"];
    const unread = Object.keys(o).find((k) => k.startsWith(`${o.format}.`) && !read.includes(k));
    if (unread) throw new StreamSqlError("unsupported", `table ${table.name}: option '${unread}' is not read by the filesystem source yet`, undefined, unread);
    return fileSystemScan(env, table, lineDecoder(o.format as string, o));
  },

  sink(table: TableEntry): Sink<Row> {
    return fileSystemSink(table);
  },

  /** Flink's filesystem sink is append-only: an updating query into it fails as Flink's planner fails it. */
  changelogSink(table: TableEntry): Sink<Change> {
    throw new StreamSqlError(
      "validation",
      `Table sink 'default_catalog.default_database.${table.name}' doesn't support consuming update changes (the filesystem connector writes append-only files; write the updating result to an upsert-kafka or duckdb table with a PRIMARY KEY)`,
      undefined,
      table.name,
    );
  },
};
