/**
 * A bounded Kafka read keeps its stopping offsets in the checkpointed position (real broker,
 * version from SLUICE_KAFKA_VERSION): a restored run stops where the first run would have, even
 * when records were written to the topic after the checkpoint, as Flink's KafkaSource (the
 * stopping offset is part of the split's state).
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { kafkaSource } from "../../engine/src/connectors/kafka/KafkaSource.js";
import { connectToBroker, kafkaTestsOff, kafkaVersion, readAtLeast, readerContext, readToEnd, uniqueTopic } from "./kafkaBroker.js";

describe(`Kafka bounded source restore (Kafka ${kafkaVersion})`, { skip: kafkaTestsOff && "SLUICE_KAFKA_TESTS=off" }, () => {
  const broker = connectToBroker();

  async function produce(topic: string, from: number, to: number): Promise<void> {
    const producer = await broker.client.openProducer({ idempotent: true });
    try {
      const records = Array.from({ length: to - from }, (_, k) => ({ topic, partition: (from + k) % 2, value: JSON.stringify({ seq: from + k }) }));
      await producer.send(records);
    } finally {
      await producer.close();
    }
  }

  test("a restored bounded read stops at the first run's end offsets, not at the topic's current end", async () => {
    const topic = uniqueTopic("bounded-restore");
    await broker.client.createTopics([{ topic, partitions: 2 }]);
    await produce(topic, 0, 100);
    const source = () => kafkaSource<{ seq: number }>({ brokers: [broker.bootstrap], topics: [topic], bounded: true });

    const first = source().createReader(readerContext());
    let position: unknown;
    let read: number[];
    try {
      read = (await readAtLeast(first, 30, 10)).map((v) => v.seq);
      position = JSON.parse(JSON.stringify(first.snapshotPosition!()));
    } finally {
      await first.close?.();
    }
    // Written after the checkpoint: not part of the batch the first run started to read.
    await produce(topic, 100, 150);

    const restored = source().createReader(readerContext());
    try {
      restored.restorePosition!(position);
      const rest = (await readToEnd(restored)).values.map((v) => v.seq);
      assert.deepEqual(
        [...read, ...rest].sort((a, b) => a - b),
        Array.from({ length: 100 }, (_, k) => k),
        "every record of the first run's range once, none written later",
      );
    } finally {
      await restored.close?.();
    }
  });
});
