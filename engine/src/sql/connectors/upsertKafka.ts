import type { StreamEnvironment } from "../../api/StreamEnvironment.js";
import type { KeyedProcessFunction } from "../../api/keyedFunctions.js";
import { kafkaSink } from "../../connectors/kafka/KafkaSink.js";
import { kafkaSource } from "../../connectors/kafka/KafkaSource.js";
import type { Sink } from "../../sinks/Sink.js";
import type { ValueState } from "../../state/State.js";
import type { TableEntry } from "../catalog.js";
import type { Change } from "../changelog.js";
import type { Row, ScanResult } from "../connectors.js";
import { StreamSqlError } from "../errors.js";
import { watermarkDelay } from "../planner.js";
import { stampRowtime } from "../scan/stampRowtime.js";
import { sourceWatermarks } from "../scan/sourceIdleTimeout.js";
import { delivery, isolation } from "./kafka.js";
import { COMMON_KEYS, decodeRecord, formatKeys, kafkaLayout, refuseNotYet, rowSerializer } from "./kafkaTable.js";

/** One record of an upsert topic: the row to upsert, or (a tombstone) the key to delete. */
type Upsert = { upsert: Row; key: string } | { delete: true; key: string };

/**
 * Flink's `upsert-kafka` connector: a topic read as the changelog of a table keyed by the PRIMARY KEY
 * (the record key); a record upserts its key, a tombstone (null value) deletes it. Writing takes an
 * updating result: +I/+U become records, -D a tombstone, -U is dropped (as Flink drops UPDATE_BEFORE
 * before an upsert sink).
 */
export const upsertKafkaConnector = {
  optionKeys(o: Record<string, string>): RegExp {
    const keys = [...COMMON_KEYS, "scan\\.bounded\\.mode", "sink\\.(delivery-guarantee|transactional-id-prefix|buffer-flush\\.max-rows|buffer-flush\\.interval)", ...formatKeys(o)];
    return new RegExp(`^(${keys.join("|")})$`);
  },

  validate(table: TableEntry): void {
    refuseNotYet(table, ["sink.parallelism", "sink.buffer-flush.max-rows", "sink.buffer-flush.interval"]);
    if (!table.primaryKey)
      throw new StreamSqlError(
        "validation",
        "'upsert-kafka' tables require to define a PRIMARY KEY constraint. The PRIMARY KEY specifies which columns should be read from or write to the Kafka message key. The PRIMARY KEY also defines records in the 'upsert-kafka' table should update or delete on which keys.",
        undefined,
        table.name,
      );
    if (table.options["key.format"] === undefined)
      throw new StreamSqlError("validation", `One or more required options are missing for 'upsert-kafka' table ${table.name}: key.format`, undefined, table.name);
    if (table.options.topic === undefined) throw new StreamSqlError("validation", `One or more required options are missing for 'upsert-kafka' table ${table.name}: topic`, undefined, table.name);
    kafkaLayout(table, "upsert-kafka", table.primaryKey);
    delivery(table);
  },

  scan(env: StreamEnvironment, table: TableEntry): ScanResult {
    const o = table.options;
    const layout = kafkaLayout(table, "upsert-kafka", table.primaryKey);
    const keyFormat = layout.key?.format;
    if (!keyFormat) throw new StreamSqlError("validation", `table ${table.name}: upsert-kafka needs a key`, undefined, table.name);
    const width = table.columns.length;
    const bounded = (o["scan.bounded.mode"] ?? "unbounded") === "latest-offset";
    if (!bounded && o["scan.bounded.mode"] !== undefined && o["scan.bounded.mode"] !== "unbounded")
      throw new StreamSqlError(
        "unsupported",
        `table ${table.name}: 'scan.bounded.mode' = '${o["scan.bounded.mode"]}' is not supported yet (unbounded, latest-offset are)`,
        undefined,
        o["scan.bounded.mode"],
      );
    const source = kafkaSource<Upsert>({
      brokers: layout.brokers,
      topics: (o.topic as string).split(";").map((t) => t.trim()),
      // As Flink's upsert-kafka: always the whole topic, so the table is complete.
      startFrom: "earliest",
      isolation: isolation(table),
      bounded,
      ...(o["properties.group.id"] !== undefined ? { groupId: o["properties.group.id"] } : {}),
      deserializer: (r) => {
        if (r.key === null) throw new Error("an upsert-kafka record needs a key (the PRIMARY KEY)");
        const key = r.key.toString("base64");
        if (r.value === null) return { delete: true, key };
        const value = layout.value.format.decode(r.value);
        const row = value === undefined ? undefined : decodeRecord(layout, width, r, value);
        return row === undefined ? undefined : { upsert: row, key };
      },
      name: `${table.name}[upsert-kafka]`,
    });
    // As Flink's plan (TableSourceScan(…, watermark=[ts]) → ChangelogNormalize): the watermark is made in
    // the source, one generator per partition, from every upsert's rowtime, before the changelog is
    // normalised; a tombstone has none (Flink reads its rowtime as NULL) and moves nothing.
    const rowtime = table.columns.findIndex((c) => c.type.rowtime);
    const timeOf = (u: Upsert): number => ("upsert" in u && typeof u.upsert[rowtime] === "number" ? (u.upsert[rowtime] as number) : Number.NaN);
    const read = table.watermark
      ? stampRowtime(
          source,
          (values, out) => {
            for (let i = 0; i < values.length; i++) out[i] = timeOf(values[i] as Upsert);
          },
          timeOf,
        )
      : source;
    const strategy = table.watermark ? sourceWatermarks<Upsert>(env, table, watermarkDelay(table.watermark.expr, table.watermark.column)) : undefined;
    const changes = env
      .fromSource(read, strategy, `${table.name}[upsert-kafka]`)
      .onError("dead-letter")
      .keyBy((u) => u.key)
      .process(changelogNormalize())
      .name(`ChangelogNormalize(key=[${table.primaryKey?.join(", ")}])`);
    const uniqueKey = (table.primaryKey ?? []).map((k) => table.columns.findIndex((c) => c.name === k));
    return { changes, uniqueKey, bounded };
  },

  /** An append-only result: every row upserts its key. */
  sink(table: TableEntry): Sink<Row> {
    const layout = kafkaLayout(table, "upsert-kafka", table.primaryKey);
    return kafkaSink<Row>({ brokers: layout.brokers, topic: table.options.topic as string, serializer: rowSerializer(table, layout), ...delivery(table), name: `${table.name}[upsert-kafka]` });
  },

  changelogSink(table: TableEntry): Sink<Change> {
    const layout = kafkaLayout(table, "upsert-kafka", table.primaryKey);
    const serialize = rowSerializer(table, layout);
    const keyFormat = layout.key?.format;
    const keyColumns = layout.key?.columns ?? [];
    const sink = kafkaSink<Change>({
      brokers: layout.brokers,
      topic: table.options.topic as string,
      serializer: (change, timestamp) => {
        if (change.kind !== "-D") return serialize(change.row, timestamp);
        const full = serialize.tableRow(change.row);
        return { key: keyFormat?.encode(keyColumns.map((c) => full[c])) ?? null, value: null };
      },
      ...delivery(table),
      name: `${table.name}[upsert-kafka]`,
    });
    return {
      name: sink.name,
      createWriter: (ctx) => {
        const writer = sink.createWriter(ctx);
        const write = writer.write.bind(writer);
        // As Flink's planner before an upsert sink (DropUpdateBefore): the +U that follows says it all.
        writer.write = (changes, timestamps) => {
          const keep = changes.flatMap((c, i) => (c.kind === "-U" ? [] : [i]));
          return write(
            keep.map((i) => changes[i] as Change),
            keep.map((i) => timestamps[i] ?? Number.NaN),
          );
        };
        return writer;
      },
    };
  },
};

/**
 * Flink's ChangelogNormalize over an upsert stream: the last row per key in keyed state turns
 * upserts into +I (new key) or -U/+U (changed; an identical row emits nothing), and a tombstone
 * into -D of the last row (nothing for a key never seen).
 */
function changelogNormalize(): KeyedProcessFunction<string, Upsert, Change> & { last?: ValueState<Row> } {
  return {
    open(rc) {
      this.last = rc.getState<Row>("last");
    },
    processElement(u, _ctx, out) {
      const state = this.last as ValueState<Row>;
      const before = state.value();
      if ("delete" in u) {
        if (before === undefined) return;
        state.clear();
        out.collect({ kind: "-D", row: before });
        return;
      }
      state.update(u.upsert);
      if (before === undefined) out.collect({ kind: "+I", row: u.upsert });
      else if (JSON.stringify(before) !== JSON.stringify(u.upsert)) {
        out.collect({ kind: "-U", row: before });
        out.collect({ kind: "+U", row: u.upsert });
      }
    },
  };
}
