/**
 * A Kafka source whose position lies below the log start (records deleted by the broker's retention
 * or DeleteRecords before they were read; real broker, version from SLUICE_KAFKA_VERSION) continues
 * at the log start, as a consumer with auto.offset.reset=earliest does, and says what it skipped. A
 * bounded read then ends. With kafkajs it waited forever for the deleted offsets: kafkajs had moved
 * its own fetch position silently, the source's stayed. That hung the checkpoints notebook on Kafka
 * when the broker's time retention deleted the generator's records (2023 timestamps) between the
 * savepoint and the restore. DeleteRecords stands in for retention here: the same log start move.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { ConnectorStatus } from "../../engine/src/connectors/kafka/KafkaClient.js";
import { kafkaSource } from "../../engine/src/connectors/kafka/KafkaSource.js";
import type { KafkaLibrary } from "../../engine/src/connectors/kafka/clientChoice.js";
import { connectToBroker, kafkaTestsOff, kafkaVersion, readerContext, readToEnd, uniqueTopic } from "./kafkaBroker.js";

describe(`Kafka source below the log start (Kafka ${kafkaVersion})`, { skip: kafkaTestsOff && "SLUICE_KAFKA_TESTS=off" }, () => {
  const broker = connectToBroker();

  /** A one-partition topic with records 0..count-1 of which those before `deleteBefore` are deleted. */
  async function topicWithDeletedHead(prefix: string, count: number, deleteBefore: number): Promise<string> {
    const topic = uniqueTopic(prefix);
    await broker.client.createTopics([{ topic, partitions: 1 }]);
    const producer = await broker.client.openProducer({ idempotent: true });
    try {
      await producer.send(Array.from({ length: count }, (_, seq) => ({ topic, partition: 0, value: JSON.stringify({ seq }) })));
    } finally {
      await producer.close();
    }
    const admin = broker.client.kafka.admin();
    await admin.connect();
    try {
      await admin.fetchTopicMetadata({ topics: [topic] }); // deleteTopicRecords finds the leader in metadata loaded before
      await admin.deleteTopicRecords({ topic, partitions: [{ partition: 0, offset: String(deleteBefore) }] });
    } finally {
      await admin.disconnect();
    }
    return topic;
  }

  /** Reads `topic` to its end from offset `from`, as a source restored there does; returns the values and the statuses' errors. */
  async function readFrom(library: KafkaLibrary, topic: string, from: number): Promise<{ seqs: number[]; errors: string }> {
    const statuses: ConnectorStatus[] = [];
    const source = kafkaSource<{ seq: number }>({
      brokers: [broker.bootstrap],
      topics: [topic],
      bounded: true,
      library,
      // A reader that waits for deleted records fails over after this instead of hanging the test.
      stallTimeoutMs: 3_000,
      onStatus: (_, s) => void statuses.push(s),
    });
    const reader = source.createReader(readerContext());
    try {
      reader.restorePosition!({ offsets: { [topic]: { "0": from } }, discovered: true });
      const seqs = (await readToEnd(reader)).values.map((v) => v.seq);
      return { seqs, errors: statuses.map((s) => s.lastError ?? "").join("\n") };
    } finally {
      await reader.close?.();
    }
  }

  for (const library of ["kafkajs", "platformatic"] as const) {
    test(`${library}: every record after the position deleted, a bounded read ends and reports the skip`, async () => {
      const topic = await topicWithDeletedHead("deleted-all", 50, 50);
      const { seqs, errors } = await readFrom(library, topic, 20);
      assert.deepEqual(seqs, []);
      assert.match(errors, new RegExp(`out of range, skipped: ${topic}\\[0\\] 20 -> 50`));
    });

    test(`${library}: records before the log start deleted, the read continues at the log start`, async () => {
      const topic = await topicWithDeletedHead("deleted-head", 50, 30);
      const { seqs, errors } = await readFrom(library, topic, 10);
      assert.deepEqual(
        seqs,
        Array.from({ length: 20 }, (_, k) => 30 + k),
      );
      assert.match(errors, new RegExp(`out of range, skipped: ${topic}\\[0\\] 10 -> 30`));
    });
  }
});
