import type { StreamEnvironment } from "../../api/StreamEnvironment.js";
import type { PartitionOffset } from "../../connectors/kafka/KafkaClient.js";
import { kafkaSink } from "../../connectors/kafka/KafkaSink.js";
import { kafkaSource } from "../../connectors/kafka/KafkaSource.js";
import type { KafkaSourceOptions } from "../../connectors/kafka/KafkaSourceOptions.js";
import type { Sink } from "../../sinks/Sink.js";
import type { TableEntry } from "../catalog.js";
import type { Row, ScanResult } from "../connectors.js";
import { StreamSqlError } from "../errors.js";
import type { SqlScanSource } from "./registry.js";
import { COMMON_KEYS, decodeRecord, formatKeys, kafkaLayout, parseDuration, refuseNotYet, rowSerializer } from "./kafkaTable.js";

/**
 * Flink's `kafka` SQL connector (an append-only table over a topic), with Flink's option keys, on
 * the engine's Kafka source and (transactional) sink. A record its format cannot read becomes a
 * dead letter with the reason (the job's dead letters), unless `*.ignore-parse-errors` skips it.
 */
export const kafkaConnector = {
  optionKeys(o: Record<string, string>): RegExp {
    const keys = [
      ...COMMON_KEYS,
      "topic-pattern",
      "format",
      "key\\.fields",
      "scan\\.startup\\.(mode|specific-offsets|timestamp-millis)",
      "scan\\.bounded\\.(mode|specific-offsets|timestamp-millis)",
      "scan\\.topic-partition-discovery\\.interval",
      "scan\\.parallelism",
      // Flink's watermark options of a source that takes the watermark (FactoryUtil.WATERMARK_*).
      "scan\\.watermark\\.(idle-timeout|emit\\.strategy|emit\\.on-event\\.gap|alignment\\.(group|max-drift|update-interval))",
      "sink\\.(partitioner|semantic|delivery-guarantee|transactional-id-prefix)",
      ...formatKeys(o),
    ];
    return new RegExp(`^(${keys.join("|")})$`);
  },

  validate(table: TableEntry): void {
    refuseNotYet(table, [
      "scan.bounded.specific-offsets",
      "scan.bounded.timestamp-millis",
      "scan.parallelism",
      "sink.parallelism",
      "sink.semantic",
      "scan.watermark.emit.strategy",
      "scan.watermark.emit.on-event.gap",
      "scan.watermark.alignment.group",
      "scan.watermark.alignment.max-drift",
      "scan.watermark.alignment.update-interval",
    ]);
    const idle = table.options["scan.watermark.idle-timeout"];
    if (idle !== undefined) parseDuration(table.name, "scan.watermark.idle-timeout", idle);
    if (table.primaryKey)
      throw new StreamSqlError(
        "validation",
        `The Kafka table '${table.name}' with '${table.options["value.format"] ?? table.options.format}' format doesn't support defining PRIMARY KEY constraint on the table, because it can't guarantee the semantic of primary key (use 'upsert-kafka')`,
        undefined,
        table.name,
      );
    const o = table.options;
    if (o.topic !== undefined && o["topic-pattern"] !== undefined) throw new StreamSqlError("validation", "Option 'topic' and 'topic-pattern' shouldn't be set together.", undefined, "topic-pattern");
    if (o.topic === undefined && o["topic-pattern"] === undefined) throw new StreamSqlError("validation", "Either 'topic' or 'topic-pattern' must be set.", undefined, table.name);
    kafkaLayout(table, "kafka");
    delivery(table);
  },

  /** The table's source, for a scan with the watermark pushed into it (one generator per partition). */
  source(table: TableEntry): SqlScanSource {
    const o = table.options;
    const layout = kafkaLayout(table, "kafka");
    const width = table.columns.length;
    const topics = o.topic?.split(";").map((t) => t.trim());
    const options: KafkaSourceOptions<Row> = {
      brokers: layout.brokers,
      ...(topics ? { topics } : { topicPattern: new RegExp(`^(?:${o["topic-pattern"]})$`) }),
      // Flink names the group after the table when none is given.
      groupId: o["properties.group.id"] ?? `KafkaSource-default_catalog.default_database.${table.name}`,
      isolation: isolation(table),
      ...startup(table, topics),
      bounded: bounded(table),
      deserializer: (r) => {
        if (r.value === null) return undefined; // a tombstone: Flink's formats read it as no row
        const value = layout.value.format.decode(r.value);
        return value === undefined ? undefined : decodeRecord(layout, width, r, value);
      },
      name: `${table.name}[kafka]`,
    };
    const interval = o["scan.topic-partition-discovery.interval"];
    if (interval !== undefined) {
      const ms = parseDuration(table.name, "scan.topic-partition-discovery.interval", interval);
      options.partitionDiscoveryIntervalMs = ms > 0 ? ms : false;
    }
    // A malformed record is a dead letter of the job (with the reason), not a failure of the job.
    return { source: kafkaSource(options), bounded: options.bounded === true, errors: "dead-letter" };
  },

  scan(env: StreamEnvironment, table: TableEntry): ScanResult {
    const { source, bounded } = kafkaConnector.source(table);
    return { stream: env.fromSource(source, undefined, source.name).onError("dead-letter"), bounded };
  },

  sink(table: TableEntry): Sink<Row> {
    const o = table.options;
    if (o["topic-pattern"] !== undefined || o.topic === undefined || o.topic.includes(";"))
      throw new StreamSqlError("validation", `table ${table.name}: a Kafka sink writes to one 'topic' (not a list or 'topic-pattern')`, undefined, table.name);
    const partitioner = o["sink.partitioner"] ?? "default";
    if (partitioner !== "default") throw new StreamSqlError("unsupported", `table ${table.name}: 'sink.partitioner' = '${partitioner}' is not supported yet (default is)`, undefined, partitioner);
    const layout = kafkaLayout(table, "kafka");
    return kafkaSink<Row>({
      brokers: layout.brokers,
      topic: o.topic,
      serializer: rowSerializer(table, layout),
      ...delivery(table),
      name: `${table.name}[kafka]`,
    });
  },
};

/** Flink reads with the consumer's isolation.level, Kafka's default being read_uncommitted. */
export function isolation(table: TableEntry): "read_committed" | "read_uncommitted" {
  const level = table.options["properties.isolation.level"] ?? "read_uncommitted";
  if (level !== "read_committed" && level !== "read_uncommitted")
    throw new StreamSqlError("validation", `table ${table.name}: 'properties.isolation.level' must be read_committed or read_uncommitted`, undefined, level);
  return level;
}

/** `scan.startup.mode` (default group-offsets, as Flink) as the source's start. */
export function startup(table: TableEntry, topics: string[] | undefined): Pick<KafkaSourceOptions<Row>, "startFrom" | "committedFallback"> {
  const o = table.options;
  const mode = o["scan.startup.mode"] ?? "group-offsets";
  switch (mode) {
    case "earliest-offset":
      return { startFrom: "earliest" };
    case "latest-offset":
      return { startFrom: "latest" };
    case "group-offsets": {
      // Flink's reset strategy comes from properties.auto.offset.reset, default none: no committed offset fails.
      const reset = (o["properties.auto.offset.reset"] ?? "none").toLowerCase();
      if (reset !== "earliest" && reset !== "latest" && reset !== "none")
        throw new StreamSqlError("validation", `table ${table.name}: 'properties.auto.offset.reset' must be earliest, latest or none`, undefined, reset);
      return { startFrom: "committed", committedFallback: reset };
    }
    case "timestamp": {
      const ts = o["scan.startup.timestamp-millis"];
      if (ts === undefined) throw new StreamSqlError("validation", "'scan.startup.timestamp-millis' is required in 'timestamp' startup mode but missing.", undefined, table.name);
      if (!/^\d+$/.test(ts)) throw new StreamSqlError("validation", `'scan.startup.timestamp-millis' must be epoch milliseconds, not '${ts}'`, undefined, ts);
      return { startFrom: { timestamp: Number(ts) } };
    }
    case "specific-offsets": {
      const spec = o["scan.startup.specific-offsets"];
      if (spec === undefined) throw new StreamSqlError("validation", "'scan.startup.specific-offsets' is required in 'specific-offsets' startup mode but missing.", undefined, table.name);
      if (topics?.length !== 1) throw new StreamSqlError("validation", "Currently Kafka source only supports specific offset for single topic.", undefined, table.name);
      return { startFrom: { specificOffsets: specificOffsets(spec, topics[0] as string) } };
    }
    default:
      throw new StreamSqlError("validation", `Invalid value for option 'scan.startup.mode': '${mode}' (earliest-offset, latest-offset, group-offsets, timestamp, specific-offsets)`, undefined, mode);
  }
}

/** `partition:0,offset:42;partition:1,offset:300`, Flink's syntax. */
function specificOffsets(spec: string, topic: string): PartitionOffset[] {
  return spec
    .split(";")
    .filter((p) => p.trim() !== "")
    .map((p) => {
      const m = /^\s*partition:(\d+),\s*offset:(\d+)\s*$/.exec(p);
      if (!m)
        throw new StreamSqlError("validation", `Invalid properties '${spec}' for 'scan.startup.specific-offsets'. The format should be 'partition:0,offset:42;partition:1,offset:300'.`, undefined, p);
      return { topic, partition: Number(m[1]), offset: Number(m[2]) };
    });
}

function bounded(table: TableEntry): boolean {
  const mode = table.options["scan.bounded.mode"] ?? "unbounded";
  if (mode === "unbounded") return false;
  if (mode === "latest-offset") return true;
  throw new StreamSqlError("unsupported", `table ${table.name}: 'scan.bounded.mode' = '${mode}' is not supported yet (unbounded, latest-offset are)`, undefined, mode);
}

/** `sink.delivery-guarantee`: exactly-once on the engine's transactional writer; none written at least once. */
export function delivery(table: TableEntry): { guarantee: "at-least-once" | "exactly-once"; transactionalIdPrefix?: string; transactionTimeoutMs?: number } {
  const o = table.options;
  const guarantee = o["sink.delivery-guarantee"] ?? "at-least-once";
  if (guarantee === "none" || guarantee === "at-least-once") return { guarantee: "at-least-once" };
  if (guarantee !== "exactly-once")
    throw new StreamSqlError("validation", `Invalid value for option 'sink.delivery-guarantee': '${guarantee}' (none, at-least-once, exactly-once)`, undefined, guarantee);
  const prefix = o["sink.transactional-id-prefix"];
  if (!prefix) throw new StreamSqlError("validation", "sink.transactional-id-prefix must be specified when using DeliveryGuarantee.EXACTLY_ONCE.", undefined, table.name);
  const timeout = o["properties.transaction.timeout.ms"];
  return { guarantee: "exactly-once", transactionalIdPrefix: prefix, ...(timeout !== undefined ? { transactionTimeoutMs: Number(timeout) } : {}) };
}
