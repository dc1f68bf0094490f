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
import { TransactionalKafkaWriter, type KafkaCommittable } from "../../engine/src/connectors/kafka/TransactionalKafkaWriter.js";
import type { SinkWriter } from "../../engine/src/sinks/Sink.js";
import { kafkaTestsOff, kafkaVersion, readCommitted, readerContext, readToEnd, uniqueTopic, connectToBroker } from "./kafkaBroker.js";

interface Item {
  id: number;
  batch: string;
}

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

  const items = (batch: string, n: number): Item[] => Array.from({ length: n }, (_, id) => ({ id, batch }));
  const times = (n: number): number[] => new Array<number>(n).fill(Number.NaN);
  const countBy = (rows: Item[]): Record<string, number> => rows.reduce<Record<string, number>>((acc, r) => ({ ...acc, [r.batch]: (acc[r.batch] ?? 0) + 1 }), {});

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
    const writer = sink.createWriter({ jobName: "t", subtask: 0, parallelism: 1 }) as SinkWriter<Item> & TransactionalKafkaWriter<Item>;
    try {
      await writer.open();
      await writer.write(items("committed-1", 300), times(300));
      const { producerId, producerEpoch, ...committable } = writer.prepareCommit(1) as KafkaCommittable;
      assert.deepEqual(committable, { transactionalId: writer.transactionalId, checkpointId: 1, records: 300 });
      assert.ok(/^\d+$/.test(producerId ?? "") && Number.isInteger(producerEpoch), "the committable names the producer that owns the transaction");
      await writer.commit(1);
      await writer.write(items("aborted", 200), times(200));
      writer.prepareCommit(2);
      writer.checkpointAborted(2); // checkpoint 2 failed (its transaction goes on), then the job: abort drops it
      await writer.abort();
    } finally {
      await writer.close();
    }
    // The restarted job: its writer (same transactional id) commits checkpoint 3, then leaves a transaction open.
    const restarted = sink.createWriter({ jobName: "t", subtask: 0, parallelism: 1 }) as SinkWriter<Item> & TransactionalKafkaWriter<Item>;
    try {
      await restarted.open();
      await restarted.write(items("committed-3", 100), times(100));
      restarted.prepareCommit(3);
      await restarted.commit(3);
      await restarted.write(items("open-at-close", 50), times(50));
    } finally {
      await restarted.close(); // aborts the open transaction
    }
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
    const crashed = sink.createWriter({ jobName: "t", subtask: 0, parallelism: 1 }) as TransactionalKafkaWriter<Item>;
    await crashed.open();
    await crashed.write(items("lost-in-crash", 100), times(100));
    crashed.prepareCommit(7); // the crash happens before checkpoint 7 completes
    const restarted = sink.createWriter({ jobName: "t", subtask: 0, parallelism: 1 }) as TransactionalKafkaWriter<Item>;
    assert.equal(restarted.transactionalId, crashed.transactionalId, "stable transactional id per subtask");
    try {
      await restarted.open(); // fences `crashed` and aborts its transaction
      await restarted.write(items("after-restart", 100), times(100));
      restarted.prepareCommit(8);
      await restarted.commit(8);
      await assert.rejects(crashed.commit(7), /commit failed/, "the fenced writer can no longer commit");
    } finally {
      await restarted.close();
      await crashed.close().catch(() => undefined); // fenced: its abort fails too, which is expected here
    }
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
