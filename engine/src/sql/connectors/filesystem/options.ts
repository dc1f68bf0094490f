import type { TableEntry } from "../../catalog.js";
import { StreamSqlError } from "../../errors.js";
import { parseDuration } from "../kafkaTable.js";
import { formatOptionPattern } from "../rowFormat.js";

/** Flink's filesystem connector option keys (FileSystemConnectorOptions) that Sluice reads. */
const KEYS = [
  "connector",
  "path",
  "format",
  "partition\\.default-name",
  "sink\\.rolling-policy\\.(file-size|rollover-interval|check-interval|inactivity-interval)",
  "sink\\.partition-commit\\.(trigger|delay|watermark-time-zone|policy\\.kind|success-file\\.name)",
  "partition\\.time-extractor\\.(kind|timestamp-pattern|timestamp-formatter)",
  // Known to Flink, refused by name below rather than ignored.
  "source\\.monitor-interval",
  "source\\.path\\.regex-pattern",
  "sink\\.parallelism",
  "sink\\.shuffle-by-partition\\.enable",
  "sink\\.partition-commit\\.policy\\.class",
  "partition\\.time-extractor\\.class",
  "auto-compaction",
  "compaction\\.file-size",
];

const NOT_YET = [
  "source.monitor-interval",
  "source.path.regex-pattern",
  "sink.parallelism",
  "sink.shuffle-by-partition.enable",
  "sink.partition-commit.policy.class",
  "partition.time-extractor.class",
  "auto-compaction",
  "compaction.file-size",
];

export function fileSystemOptionKeys(o: Record<string, string>): RegExp {
  return new RegExp(`^(${[...KEYS, ...(o.format !== undefined ? [formatOptionPattern("", o.format)] : [])].join("|")})$`);
}

/** How a filesystem table's sink writes, from its options with Flink's defaults. */
export interface FileSystemSinkSpec {
  /** The table's directory (a `file://` URI or a local path). */
  root: string;
  format: "csv" | "json";
  partitionKeys: string[];
  defaultPartitionName: string;
  rolling: { fileSize: number; rolloverInterval: number; checkInterval: number; inactivityInterval: number };
  /** Partition commit: only for a partitioned table with `sink.partition-commit.policy.kind`, as Flink's. */
  commit: { trigger: "process-time" | "partition-time"; delay: number; successFile: string | undefined; timestampPattern: string | undefined } | undefined;
}

/** `file:///tmp/x` or `/tmp/x` as a local path; other schemes are refused. */
export function localPath(table: string, path: string): string {
  if (path.startsWith("file://")) return path.slice("file://".length);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(path)) throw new StreamSqlError("unsupported", `table ${table}: path '${path}': only local paths (file://) are supported`, undefined, path);
  return path;
}

export function validateFileSystem(table: TableEntry): void {
  const o = table.options;
  for (const k of NOT_YET) if (o[k] !== undefined) throw new StreamSqlError("unsupported", `table ${table.name}: option '${k}' is not supported yet`, undefined, k);
  if (!o.path) throw new StreamSqlError("validation", `table ${table.name}: 'path' is required for the filesystem connector`, undefined, table.name);
  localPath(table.name, o.path);
  if (o.format === undefined) throw new StreamSqlError("validation", `Could not find required format 'format' for filesystem table ${table.name}`, undefined, table.name);
  if (o.format !== "csv" && o.format !== "json") throw new StreamSqlError("unsupported", `format '${o.format}' is not supported yet (csv, json are)`, undefined, o.format);
  sinkSpec(table);
}

/** Flink's MemorySize text: `128MB`, `1 kb`, `1024` (bytes); units are powers of 1024. */
export function parseMemorySize(table: string, key: string, text: string): number {
  const m = /^\s*(\d+)\s*([a-z]*)\s*$/i.exec(text);
  const unit = (m?.[2] ?? "").toLowerCase();
  const exp = ({ "": 0, b: 0, bytes: 0, k: 1, kb: 1, kibibytes: 1, m: 2, mb: 2, mebibytes: 2, g: 3, gb: 3, gibibytes: 3, t: 4, tb: 4, tebibytes: 4 } as Record<string, number>)[unit];
  if (!m || exp === undefined) throw new StreamSqlError("validation", `table ${table}: '${key}' must be a memory size such as '128MB', not '${text}'`, undefined, text);
  return Number(m[1]) * 1024 ** exp;
}

export function sinkSpec(table: TableEntry): FileSystemSinkSpec {
  const o = table.options;
  const duration = (key: string, fallback: number): number => {
    const text = o[key];
    return text === undefined ? fallback : parseDuration(table.name, key, text);
  };
  const partitionKeys = table.partitionKeys ?? [];
  const kinds = o["sink.partition-commit.policy.kind"]?.split(",").map((k) => k.trim().toLowerCase());
  for (const kind of kinds ?? []) {
    if (kind === "metastore")
      throw new StreamSqlError(
        "validation",
        `Can not configure a 'metastore' partition commit policy for a file system table. You can only configure 'metastore' partition commit policy for a hive table. (table ${table.name})`,
        undefined,
        kind,
      );
    if (kind !== "success-file") throw new StreamSqlError("unsupported", `table ${table.name}: partition commit policy '${kind}' is not supported yet (success-file is)`, undefined, kind);
  }
  const trigger = (o["sink.partition-commit.trigger"] ?? "process-time").toLowerCase();
  if (trigger !== "process-time" && trigger !== "partition-time")
    throw new StreamSqlError("validation", `table ${table.name}: 'sink.partition-commit.trigger' must be process-time or partition-time, not '${trigger}'`, undefined, trigger);
  const zone = o["sink.partition-commit.watermark-time-zone"];
  if (zone !== undefined && zone.toUpperCase() !== "UTC")
    throw new StreamSqlError("unsupported", `table ${table.name}: 'sink.partition-commit.watermark-time-zone' other than UTC is not supported yet`, undefined, zone);
  const extractor = o["partition.time-extractor.kind"];
  if (extractor !== undefined && extractor !== "default")
    throw new StreamSqlError("unsupported", `table ${table.name}: 'partition.time-extractor.kind' = '${extractor}' is not supported yet (default is)`, undefined, extractor);
  const formatter = o["partition.time-extractor.timestamp-formatter"];
  if (formatter !== undefined && formatter !== "yyyy-MM-dd HH:mm:ss")
    throw new StreamSqlError("unsupported", `table ${table.name}: 'partition.time-extractor.timestamp-formatter' other than yyyy-MM-dd HH:mm:ss is not supported yet`, undefined, formatter);
  return {
    root: localPath(table.name, o.path ?? ""),
    format: o.format === "json" ? "json" : "csv",
    partitionKeys,
    defaultPartitionName: o["partition.default-name"] ?? "__DEFAULT_PARTITION__",
    rolling: {
      fileSize: o["sink.rolling-policy.file-size"] === undefined ? 128 * 1024 * 1024 : parseMemorySize(table.name, "sink.rolling-policy.file-size", o["sink.rolling-policy.file-size"]),
      rolloverInterval: duration("sink.rolling-policy.rollover-interval", 30 * 60_000),
      checkInterval: duration("sink.rolling-policy.check-interval", 60_000),
      inactivityInterval: duration("sink.rolling-policy.inactivity-interval", 30 * 60_000),
    },
    commit:
      partitionKeys.length > 0 && kinds !== undefined
        ? {
            trigger,
            delay: duration("sink.partition-commit.delay", 0),
            successFile: kinds.includes("success-file") ? (o["sink.partition-commit.success-file.name"] ?? "_SUCCESS") : undefined,
            timestampPattern: o["partition.time-extractor.timestamp-pattern"],
          }
        : undefined,
  };
}
