/**
 * Broker restart mid-job (version from SLUICE_KAFKA_VERSION): a running source and an
 * at-least-once sink report "retrying" while the broker is down and continue without loss when
 * it comes back. On a broker of its own (PrivateKafkaBroker): restarting the shared one left the
 * tests after it to a broker still loading its transaction state.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { ConnectorStatus } from "../../engine/src/connectors/kafka/KafkaClient.js";
import { kafkaSink } from "../../engine/src/connectors/kafka/KafkaSink.js";
import { kafkaSource } from "../../engine/src/connectors/kafka/KafkaSource.js";
import { KafkajsClient } from "../../engine/src/connectors/kafka/KafkajsClient.js";
import { kafkaTestsOff, kafkaVersion, readAtLeast, readerContext, uniqueTopic } from "./kafkaBroker.js";
import { PrivateKafkaBroker } from "./privateKafkaBroker.js";

describe(`Kafka broker restart mid-job (Kafka ${kafkaVersion})`, { skip: kafkaTestsOff && "SLUICE_KAFKA_TESTS=off" }, () => {
  const broker = PrivateKafkaBroker.named("restart");
  let bootstrap: string;

  before(async () => {
    bootstrap = await broker.start();
  });

  after(async () => {
    await broker.destroy();
  });

  test("source and sink ride out a broker restart without losing records", async () => {
    const topic = uniqueTopic("restart");
    const admin = KafkajsClient.create({ brokers: [bootstrap] });
    await admin.createTopics([{ topic, partitions: 2 }]);
    await admin.close();

    const sinkStates: ConnectorStatus[] = [];
    let sawRetrying: () => void = () => {};
    const retrying = new Promise<void>((resolve) => (sawRetrying = resolve));
    const writer = kafkaSink<{ id: number }>({
      brokers: [bootstrap],
      topic,
      key: (v) => String(v.id),
      backoff: { initialMs: 200, maxMs: 1_000 },
      onStatus: (_, s) => {
        sinkStates.push(s);
        if (s.state === "retrying") sawRetrying();
      },
    }).createWriter({ jobName: "restart", subtask: 0, parallelism: 1 });
    const reader = kafkaSource<{ id: number }>({ brokers: [bootstrap], topics: [topic] }).createReader(readerContext());
    try {
      const batch = (from: number, n: number) => Array.from({ length: n }, (_, k) => ({ id: from + k }));
      await writer.write(batch(0, 500), new Array<number>(500).fill(Number.NaN));
      const before = await readAtLeast(reader, 500);

      await broker.stop();
      // Written while the broker is down: must not resolve until it is back, and must not be lost.
      const pending = writer.write(batch(500, 500), new Array<number>(500).fill(Number.NaN));
      await retrying;
      await broker.start();
      await pending;
      assert.equal(sinkStates.at(-1)?.state, "running");

      const afterRestart = await readAtLeast(reader, 500);
      const ids = [...before, ...afterRestart].map((v) => v.id);
      // At-least-once sink: duplicates are allowed in principle, loss is not; the source itself must not duplicate.
      assert.deepEqual(
        [...new Set(ids)].sort((a, b) => a - b),
        Array.from({ length: 1_000 }, (_, id) => id),
      );
    } finally {
      await reader.close?.();
      await writer.close?.();
    }
  });
});
