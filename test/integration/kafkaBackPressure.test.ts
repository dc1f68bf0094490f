/**
 * Back-pressure from a stalled sink into the Kafka source, against a real broker (version from
 * SLUICE_KAFKA_VERSION): the sink holds its first write longer than the consumer's group session
 * timeout (10 s), so the source's buffer fills and its kafkajs consumer is held in `eachBatch` the
 * whole time (kept alive by heartbeats). Once the sink lets go, every record arrives exactly once.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { StreamEnvironment } from "../../engine/src/api/StreamEnvironment.js";
import { kafkaSource } from "../../engine/src/connectors/kafka/KafkaSource.js";
import type { Sink } from "../../engine/src/sinks/Sink.js";
import { kafkaTestsOff, kafkaVersion, uniqueTopic, connectToBroker } from "./kafkaBroker.js";

const N = 5_000;
/** Longer than the consumer's session timeout (KafkajsConsumer: 10 s). */
const STALL_MS = 12_000;

describe(`Kafka source under back-pressure (Kafka ${kafkaVersion})`, { skip: kafkaTestsOff && "SLUICE_KAFKA_TESTS=off" }, () => {
  const broker = connectToBroker();

  test("a sink stalled longer than the group session timeout: the source holds, then delivers every record once", { timeout: 120_000 }, async () => {
    const topic = uniqueTopic("stall");
    await broker.client.createTopics([{ topic, partitions: 2 }]);
    const producer = await broker.client.openProducer({ idempotent: true });
    try {
      await producer.send(Array.from({ length: N }, (_, i) => ({ topic, partition: i % 2, value: JSON.stringify({ i }) })));
    } finally {
      await producer.close();
    }
    const seen: number[] = [];
    let stalled = false;
    const sink: Sink<{ i: number }> = {
      name: "stalls once",
      createWriter: () => ({
        async write(values) {
          if (!stalled) {
            stalled = true;
            await new Promise((r) => setTimeout(r, STALL_MS));
          }
          for (const v of values) seen.push(v.i);
        },
      }),
    };
    const env = StreamEnvironment.create({ parallelism: 1, batchSize: 100 });
    env.fromSource(kafkaSource<{ i: number }>({ brokers: [broker.bootstrap], topics: [topic], bounded: true, maxBufferedRecords: 200 })).sinkTo(sink);
    const result = await env.execute("stall").wait();
    assert.equal(result.status, "finished");
    assert.equal(seen.length, N, "no loss, no duplicates");
    assert.deepEqual(
      [...seen].sort((a, b) => a - b),
      Array.from({ length: N }, (_, i) => i),
    );
  });
});
