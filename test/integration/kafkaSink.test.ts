/**
 * The Kafka sink against a real broker (version from SLUICE_KAFKA_VERSION): at-least-once
 * writes, and the transactional writer's two-phase commit: aborted transactions are invisible to
 * read_committed consumers, committed ones appear exactly once, and a restarted writer with the
 * same transactional id fences the old one and drops its open transaction. A missing topic fails
 * the job at open.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { StreamEnvironment } from "../../engine/src/api/StreamEnvironment.js";
import { kafkaSink } from "../../engine/src/connectors/kafka/KafkaSink.js";
import { kafkaSource } from "../../engine/src/connectors/kafka/KafkaSource.js";
import { commitAbortAndLeaveOpen, countBy, fenceCrashedWriter, type Item, items, times } from "../support/kafkaSinkScenarios.js";
import { kafkaTestsOff, kafkaVersion, readCommitted, readerContext, readToEnd, uniqueTopic, connectToBroker } from "./kafkaBroker.js";

describe(`Kafka sink against Kafka ${kafkaVersion}`, { skip: kafkaTestsOff && "SLUICE_KAFKA_TESTS=off" }, () => {
  const broker = connectToBroker();

  async function readTopic(topic: string, isolation: "read_committed" | "read_uncommitted"): Promise<Item[]> {
    const reader = kafkaSource<Item>({ brokers: [broker.bootstrap], topics: [topic], bounded: true, isolation }).createReader(readerContext());
    try {
      return (await readToEnd(reader)).values;
    } finally {
      await reader.close?.();
    }
  }

  test("at-least-once: every acknowledged record is in the topic", async () => {
    const topic = uniqueTopic("alo");
    await broker.client.createTopics([{ topic, partitions: 2 }]);
    const writer = kafkaSink<Item>({ brokers: [broker.bootstrap], topic, key: (v) => String(v.id) }).createWriter({ jobName: "t", subtask: 0, parallelism: 1 });
    try {
      await writer.open?.();
      await writer.write(items("a", 500), times(500));
      await writer.write(items("b", 500), times(500));
    } finally {
      await writer.close?.();
    }
    assert.deepEqual(countBy(await readTopic(topic, "read_committed")), { a: 500, b: 500 });
  });

  test("exactly-once: aborted transactions are invisible to read_committed, committed ones appear once", async () => {
    const topic = uniqueTopic("eos");
    await broker.client.createTopics([{ topic, partitions: 3 }]);
    const sink = kafkaSink<Item>({ brokers: [broker.bootstrap], topic, guarantee: "exactly-once", transactionalIdPrefix: uniqueTopic("txn"), key: (v) => String(v.id) });
    await commitAbortAndLeaveOpen(sink);
    assert.deepEqual(countBy(await readTopic(topic, "read_committed")), { "committed-1": 300, "committed-3": 100 });
    // The aborted records did reach the log: a read_uncommitted reader sees them, so the check above can fail.
    assert.deepEqual(countBy(await readTopic(topic, "read_uncommitted")), { "committed-1": 300, aborted: 200, "committed-3": 100, "open-at-close": 50 });
    const committed = await readTopic(topic, "read_committed");
    assert.equal(new Set(committed.map((r) => `${r.batch}/${r.id}`)).size, committed.length, "no duplicates");
  });

  test("exactly-once: a restarted writer with the same transactional id aborts the crashed one's open transaction", async () => {
    const topic = uniqueTopic("fence");
    await broker.client.createTopics([{ topic, partitions: 1 }]);
    const sink = kafkaSink<Item>({ brokers: [broker.bootstrap], topic, guarantee: "exactly-once", transactionalIdPrefix: uniqueTopic("txn") });
    await fenceCrashedWriter(sink);
    assert.deepEqual(countBy(await readTopic(topic, "read_committed")), { "after-restart": 100 });
  });

  test("through the engine: Kafka -> job -> exactly-once Kafka sink, committed at end of input", async () => {
    const input = uniqueTopic("in");
    const output = uniqueTopic("out");
    await broker.client.createTopics([
      { topic: input, partitions: 2 },
      { topic: output, partitions: 2 },
    ]);
    const producer = await broker.client.openProducer({ idempotent: true });
    await producer.send(Array.from({ length: 1_000 }, (_, id) => ({ topic: input, key: String(id), value: JSON.stringify({ id, batch: "in" }) })));
    await producer.close();
    const env = StreamEnvironment.create({ parallelism: 2 });
    env
      .fromSource(kafkaSource<Item>({ brokers: [broker.bootstrap], topics: [input], bounded: true }))
      .map((v) => ({ id: v.id * 2, batch: "out" }))
      .sinkTo(kafkaSink<Item>({ brokers: [broker.bootstrap], topic: output, guarantee: "exactly-once", transactionalIdPrefix: uniqueTopic("job"), key: (v) => String(v.id) }));
    await env.execute("kafka-to-kafka").wait();
    const out = await readCommitted<Item>(broker.bootstrap, output, 1_000);
    assert.deepEqual(
      out.map((r) => r.id).sort((a, b) => a - b),
      Array.from({ length: 1_000 }, (_, id) => id * 2),
    );
  });

  for (const guarantee of ["at-least-once", "exactly-once"] as const) {
    test(`${guarantee}: a sink to a topic that does not exist fails the job at open, naming the topic`, async () => {
      const topic = uniqueTopic("missing");
      const env = StreamEnvironment.create();
      env.fromArray(items("x", 3)).sinkTo(kafkaSink<Item>({ brokers: [broker.bootstrap], topic, guarantee, transactionalIdPrefix: uniqueTopic("txn") }));
      const result = await env.execute(`missing-${guarantee}`).done;
      assert.equal(result.status, "failed");
      assert.match(result.error?.message ?? "", new RegExp(`Kafka topic does not exist; create it before writing to it .*topic ${topic}`));
      assert.ok(!(await broker.client.listTopics()).includes(topic), "and it was not created either");
    });
  }
});
