/**
 * The Kafka source passes the source conformance test (engine/src/testing/sourceConformance.ts) on
 * both clients, against a real broker: checkpoints cut at random moments while reads are in flight,
 * a restore from each, and the records before each barrier plus the restored job's equal to an
 * uninterrupted read of the topic (issue 13). Unbounded and bounded reads, at source parallelism 2
 * over 3 partitions.
 *
 * Two seeds per case by default; more (with the table printed):
 *   SLUICE_KAFKA_KEEP=1 SLUICE_CONFORMANCE_SEEDS=50 node --test --test-force-exit dist/test/integration/kafkaConformance.test.js
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { KafkaLibrary } from "../../engine/src/connectors/kafka/clientChoice.js";
import type { OutgoingRecord } from "../../engine/src/connectors/kafka/KafkaClient.js";
import { kafkaSource } from "../../engine/src/connectors/kafka/KafkaSource.js";
import { checkSourceConformance, conformanceSeeds, formatConformanceTable, type ConformanceResult } from "../../engine/src/testing/sourceConformance.js";
import { connectToBroker, kafkaTestsOff, kafkaVersion, uniqueTopic } from "./kafkaBroker.js";

const COUNT = 3000;
const SEEDS = conformanceSeeds(2);

interface Read {
  partition: number;
  offset: number;
  id: number;
}

describe(`Kafka source conformance (Kafka ${kafkaVersion})`, { skip: kafkaTestsOff && "SLUICE_KAFKA_TESTS=off" }, () => {
  const broker = connectToBroker();
  const topic = uniqueTopic("conformance");
  const all: ConformanceResult[] = [];

  before(async () => {
    await broker.client.createTopics([{ topic, partitions: 3 }]);
    const records: OutgoingRecord[] = Array.from({ length: COUNT }, (_, id) => ({ topic, partition: id % 3, value: JSON.stringify({ id }) }));
    const producer = await broker.client.openProducer({ idempotent: true });
    try {
      for (let i = 0; i < records.length; i += 500) await producer.send(records.slice(i, i + 500));
    } finally {
      await producer.close();
    }
  });

  after(() => {
    if (all.length > 0) console.log(`\n${formatConformanceTable(all)}\n`);
  });

  for (const library of ["kafkajs", "platformatic"] as KafkaLibrary[]) {
    for (const bounded of [false, true]) {
      const name = `kafka ${library}${bounded ? " bounded" : ""}`;
      test(`${name}: no record lost or repeated across checkpoints cut while reads are in flight`, async () => {
        const results = await checkSourceConformance<Read>(
          {
            name,
            source: () =>
              kafkaSource<Read>({
                brokers: [broker.bootstrap],
                library,
                topics: [topic],
                bounded,
                partitionDiscoveryIntervalMs: false,
                // Small fetches, so a poll often waits for the next one.
                maxBufferedRecords: 200,
                deserializer: (r) => ({ partition: r.partition, offset: r.offset, id: (JSON.parse(r.value!.toString("utf8")) as { id: number }).id }),
              }),
            parallelism: 2,
            ...(bounded ? {} : { expectedCount: COUNT }),
            batchSizes: [1, 7, 50, 300],
            checkpoints: 3,
          },
          SEEDS,
        );
        all.push(...results);
        const problems = results.flatMap((r) => r.problems.map((p) => `seed ${r.seed} (batch ${r.batchSize}): ${p}`));
        assert.deepEqual(problems, []);
        assert.ok(
          results.some((r) => r.checkpoints > 0),
          "no checkpoint completed",
        );
      });
    }
  }
});
