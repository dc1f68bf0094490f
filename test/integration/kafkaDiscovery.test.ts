/**
 * Partition and topic discovery against a real broker (version from SLUICE_KAFKA_VERSION): an
 * unbounded job picks up partitions added to its topic and new topics matching its pattern while it
 * runs, reads them from their first record (also records written before it noticed them), and
 * keeps reading the old ones without loss or duplicates.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { StreamEnvironment } from "../../engine/src/api/StreamEnvironment.js";
import type { OutgoingRecord } from "../../engine/src/connectors/kafka/KafkaClient.js";
import { kafkaSource, type KafkaSourceOptions } from "../../engine/src/connectors/kafka/KafkaSource.js";
import { sinks } from "../../engine/src/sinks/sinks.js";
import { kafkaTestsOff, kafkaVersion, uniqueTopic, connectToBroker } from "./kafkaBroker.js";

interface Item {
  topic: string;
  partition: number;
  i: number;
}

async function until(condition: () => boolean): Promise<void> {
  // No deadline here: the test's own timeout ends a wait that never gets there.
  while (!condition()) await new Promise((r) => setTimeout(r, 50));
}

describe(`Kafka partition and topic discovery (Kafka ${kafkaVersion})`, { skip: kafkaTestsOff && "SLUICE_KAFKA_TESTS=off" }, () => {
  const broker = connectToBroker();

  async function produce(topic: string, partition: number, n: number, from = 0): Promise<string[]> {
    const records: OutgoingRecord[] = Array.from({ length: n }, (_, k) => ({ topic, partition, value: JSON.stringify({ topic, partition, i: from + k } satisfies Item) }));
    const producer = await broker.client.openProducer({ idempotent: true });
    try {
      await producer.send(records);
    } finally {
      await producer.close();
    }
    return records.map((_, k) => `${topic}[${partition}]#${from + k}`);
  }

  function start(options: Pick<KafkaSourceOptions<Item>, "topics" | "topicPattern">) {
    const env = StreamEnvironment.create({ parallelism: 2 });
    const out = sinks.collect<Item>();
    env.fromSource(kafkaSource<Item>({ brokers: [broker.bootstrap], ...options, partitionDiscoveryIntervalMs: 200 })).sinkTo(out);
    const job = env.execute("discovery");
    const seen = () => out.values.map((v) => `${v.topic}[${v.partition}]#${v.i}`).sort();
    return { job, out, seen };
  }

  test("partitions added to the topic while the job runs are read from their first record", { timeout: 120_000 }, async () => {
    const topic = uniqueTopic("grow");
    await broker.client.createTopics([{ topic, partitions: 1 }]);
    const expected = await produce(topic, 0, 100);
    const { job, out, seen } = start({ topics: [topic] });
    try {
      await until(() => out.values.length >= 100);
      const admin = broker.client.kafka.admin();
      await admin.connect();
      try {
        await admin.createPartitions({ topicPartitions: [{ topic, count: 4 }] });
      } finally {
        await admin.disconnect();
      }
      // Written right away, most likely before the job discovers the partitions.
      for (const p of [1, 2, 3]) expected.push(...(await produce(topic, p, 50)));
      expected.push(...(await produce(topic, 0, 20, 100)));
      await until(() => out.values.length >= expected.length || job.status !== "running");
      assert.equal(job.status, "running");
    } finally {
      await job.cancel();
    }
    assert.deepEqual(seen(), expected.sort(), "every record of the old and the new partitions, once");
  });

  test("a new topic matching the pattern is picked up while the job runs", { timeout: 120_000 }, async () => {
    const prefix = uniqueTopic("family");
    const first = `${prefix}-a`;
    const second = `${prefix}-b`;
    await broker.client.createTopics([{ topic: first, partitions: 2 }]);
    const expected = [...(await produce(first, 0, 30)), ...(await produce(first, 1, 30))];
    const { job, out, seen } = start({ topicPattern: new RegExp(`^${prefix}-`) });
    try {
      await until(() => out.values.length >= 60);
      await broker.client.createTopics([{ topic: second, partitions: 3 }]);
      for (const p of [0, 1, 2]) expected.push(...(await produce(second, p, 40)));
      await until(() => out.values.length >= expected.length || job.status !== "running");
      assert.equal(job.status, "running");
    } finally {
      await job.cancel();
    }
    assert.deepEqual(seen(), expected.sort(), "every record of both topics, once");
  });
});
