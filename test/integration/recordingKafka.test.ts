/**
 * Recording a real Kafka topic (broker from scripts/kafka.sh, version from SLUICE_KAFKA_VERSION),
 * then deleting the topic and replaying: the windowed result, computed in event time from the Kafka
 * record timestamps, is the same, and the replay never needed the topic.
 */
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { Kafka, logLevel } from "kafkajs";
import { StreamEnvironment } from "../../engine/src/api/StreamEnvironment.js";
import { kafkaSource } from "../../engine/src/connectors/kafka/KafkaSource.js";
import { KafkajsClient } from "../../engine/src/connectors/kafka/KafkajsClient.js";
import type { OutgoingRecord } from "../../engine/src/connectors/kafka/KafkaClient.js";
import { recorded } from "../../engine/src/connectors/recording/recorded.js";
import type { Source } from "../../engine/src/connectors/Source.js";
import { sinks } from "../../engine/src/sinks/sinks.js";
import { Time } from "../../engine/src/time/Time.js";
import { WatermarkStrategy } from "../../engine/src/time/WatermarkStrategy.js";
import { Aggregators } from "../../engine/src/windows/AggregateFunction.js";
import type { WindowResult } from "../../engine/src/windows/WindowFunction.js";
import { TumblingEventTimeWindows } from "../../engine/src/windows/WindowAssigner.js";
import { ensureBroker, kafkaTestsOff, kafkaVersion, stopIfStartedHere, uniqueTopic } from "./kafkaBroker.js";

const N = 2_000;
const BASE_TS = 1_700_000_000_000;

interface Order {
  i: number;
  shop: string;
}

describe(`recording a Kafka topic (Kafka ${kafkaVersion})`, { skip: kafkaTestsOff && "SLUICE_KAFKA_TESTS=off" }, () => {
  let bootstrap: string;
  let topic: string;
  let dir: string;

  before(async () => {
    bootstrap = await ensureBroker();
    dir = await mkdtemp(join(tmpdir(), "sluice-rec-kafka-"));
    topic = uniqueTopic("rec");
    const client = KafkajsClient.create({ brokers: [bootstrap] });
    try {
      await client.createTopics([{ topic, partitions: 3 }]);
      const producer = await client.openProducer({ idempotent: true });
      // Record timestamps run forward with up to 4 s of disorder; three partitions interleave differently on every read.
      const records: OutgoingRecord[] = [];
      for (let i = 0; i < N; i++) {
        const timestamp = BASE_TS + i * 50 - ((i * 7919) % 4_000);
        records.push({ topic, partition: i % 3, timestamp, key: `k${i}`, value: JSON.stringify({ i, shop: `shop-${i % 5}` } satisfies Order) });
      }
      for (let from = 0; from < N; from += 500) await producer.send(records.slice(from, from + 500));
      await producer.close();
    } finally {
      await client.close();
    }
  });

  after(async () => {
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
    await stopIfStartedHere();
  });

  /** Per-shop counts in 10 s event-time windows over the Kafka record timestamps (no timestamp assigner). */
  async function windowed(source: Source<Order>): Promise<{ windows: WindowResult<string, number>[]; count: number }> {
    // Small batches: watermarks advance between them, so the disorder makes some records late.
    const env = StreamEnvironment.create({ batchSize: 50 });
    const out = sinks.collect<WindowResult<string, number>>();
    const stream = env.fromSource(source, WatermarkStrategy.forBoundedOutOfOrderness<Order>(Time.seconds(1)));
    stream
      .keyBy((o) => o.shop)
      .window(TumblingEventTimeWindows.of(Time.seconds(10)))
      .allowedLateness(Time.seconds(1))
      .aggregateWithWindow(Aggregators.count())
      .sinkTo(out);
    const all = sinks.collect<Order>();
    stream.sinkTo(all);
    const result = await env.execute("kafka windows").done;
    assert.equal(result.error, undefined, String(result.error));
    return { windows: out.values, count: all.values.length };
  }

  test("replaying the recording after the topic is deleted gives the same windowed result", async () => {
    const path = join(dir, "recordings", "orders.jsonl");
    const live = () => kafkaSource<Order>({ brokers: [bootstrap], topics: [topic], format: "json", startFrom: "earliest" });
    const first = await windowed(recorded(live(), path, { maxRecords: N }));
    assert.equal(first.count, N);
    assert.ok(first.windows.length > 50, `windows fired: ${first.windows.length}`);
    assert.ok(
      first.windows.some((w) => w.late),
      "some records arrived within the allowed lateness",
    );

    // Every record kept its Kafka timestamp in the recording.
    const lines = (await readFile(path, "utf8")).trimEnd().split("\n");
    assert.match(lines[0]!, new RegExp(`"source":"kafka:${topic}"`));
    const entries = lines.slice(1, -1).map((l) => JSON.parse(l) as { t?: number; s?: string; v?: Order; splits?: string[] });
    // The partitions are the reader's splits (per-partition watermarks): recorded so replay has them too.
    assert.ok(
      entries.some((e) => e.splits?.length === 3),
      "a line with the three partitions as splits",
    );
    const records = entries.filter((e) => e.v !== undefined);
    assert.ok(
      records.every((e) => e.s === `${topic}[${e.v!.i % 3}]`),
      "every record names its partition",
    );
    const recordedTs = new Map(records.map((e) => [e.v!.i, e.t]));
    assert.equal(recordedTs.size, N);
    for (const [i, t] of recordedTs) assert.equal(t, BASE_TS + i * 50 - ((i * 7919) % 4_000), `timestamp of order ${i}`);

    const kafka = new Kafka({ brokers: [bootstrap], logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    try {
      await admin.deleteTopics({ topics: [topic], timeout: 30_000 });
      assert.ok(!(await admin.listTopics()).includes(topic), "the topic is gone");
    } finally {
      await admin.disconnect();
    }

    const replay = recorded(live(), path, { maxRecords: N });
    const second = await windowed(replay);
    assert.equal(replay.lastRun()?.mode, "replay");
    assert.deepEqual(second, first);
  });
});
