/**
 * Topics whose partition count does not match the key count, against a real broker (version from
 * SLUICE_KAFKA_VERSION): with more partitions than keys some partitions (and some source subtasks)
 * get no data at all; with fewer partitions than source subtasks some subtasks own no partition.
 * Either way a keyed event-time job must end and count every record once per (key, window).
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { StreamEnvironment } from "../../engine/src/api/StreamEnvironment.js";
import type { OutgoingRecord } from "../../engine/src/connectors/kafka/KafkaClient.js";
import { kafkaSource } from "../../engine/src/connectors/kafka/KafkaSource.js";
import { sinks } from "../../engine/src/sinks/sinks.js";
import { WatermarkStrategy } from "../../engine/src/time/WatermarkStrategy.js";
import { TumblingEventTimeWindows } from "../../engine/src/windows/WindowAssigner.js";
import type { WindowResult } from "../../engine/src/windows/WindowFunction.js";
import { kafkaTestsOff, kafkaVersion, uniqueTopic, connectToBroker } from "./kafkaBroker.js";

const BASE_TS = 1_700_000_000_000;
const WINDOW_MS = 1_000;

interface Event {
  key: string;
  i: number;
}

describe(`Kafka topics with more or fewer partitions than keys (Kafka ${kafkaVersion})`, { skip: kafkaTestsOff && "SLUICE_KAFKA_TESTS=off" }, () => {
  const broker = connectToBroker();

  /** Produces `n` keyed records (default partitioner: one partition per key) and returns the expected count per (key, window). */
  async function produce(topic: string, n: number, keys: number): Promise<Map<string, number>> {
    const expected = new Map<string, number>();
    const records: OutgoingRecord[] = [];
    for (let i = 0; i < n; i++) {
      const key = `key-${(i * 7) % keys}`;
      const ts = BASE_TS + i * 3;
      const window = ts - (ts % WINDOW_MS);
      expected.set(`${key}@${window}`, (expected.get(`${key}@${window}`) ?? 0) + 1);
      records.push({ topic, key, timestamp: ts, value: JSON.stringify({ key, i } satisfies Event) });
    }
    const producer = await broker.client.openProducer({ idempotent: true });
    try {
      for (let i = 0; i < n; i += 5_000) await producer.send(records.slice(i, i + 5_000));
    } finally {
      await producer.close();
    }
    return expected;
  }

  async function windowCounts(topic: string, parallelism: number): Promise<Map<string, number>> {
    const env = StreamEnvironment.create({ parallelism });
    const out = sinks.collect<WindowResult<string, number>>();
    env
      .fromSource(kafkaSource<Event>({ brokers: [broker.bootstrap], topics: [topic], bounded: true }), WatermarkStrategy.forMonotonousTimestamps<Event>())
      .keyBy((e) => e.key)
      .window(TumblingEventTimeWindows.of(WINDOW_MS))
      .count()
      .sinkTo(out);
    await env.execute(`partitions-${topic}`).wait();
    const got = new Map<string, number>();
    for (const r of out.values) {
      const id = `${r.key}@${r.start}`;
      assert.equal(got.has(id), false, `window ${id} emitted once`);
      got.set(id, r.value);
    }
    return got;
  }

  async function recordsPerPartition(topic: string): Promise<number[]> {
    const ends = await broker.client.offsets([topic], { kind: "latest" });
    return ends.sort((a, b) => a.partition - b.partition).map((e) => e.offset);
  }

  test("more partitions than keys: empty partitions and subtasks without data neither stall the job nor lose records", async () => {
    const topic = uniqueTopic("many-partitions");
    await broker.client.createTopics([{ topic, partitions: 12 }]);
    const expected = await produce(topic, 6_000, 3);
    const sizes = await recordsPerPartition(topic);
    assert.equal(sizes.length, 12);
    assert.ok(sizes.filter((s) => s === 0).length >= 9, `at most 3 partitions hold data: ${sizes.join(",")}`);
    assert.deepEqual(await windowCounts(topic, 4), expected);
  });

  test("fewer partitions than keys and than source subtasks: a subtask without partitions ends, every key is counted", async () => {
    const topic = uniqueTopic("few-partitions");
    await broker.client.createTopics([{ topic, partitions: 2 }]);
    const expected = await produce(topic, 6_000, 50);
    const sizes = await recordsPerPartition(topic);
    assert.ok(
      sizes.every((s) => s > 0),
      `both partitions hold data: ${sizes.join(",")}`,
    );
    assert.equal(new Set([...expected.keys()].map((k) => k.split("@")[0])).size, 50);
    assert.deepEqual(await windowCounts(topic, 3), expected);
  });
});
