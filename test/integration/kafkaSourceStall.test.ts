/**
 * A Kafka reader that stops reading while the broker is fine (issue 13: after a broker bounce a job
 * read 24,007 of 30,000 records, then sat silent for minutes) must fail over, not hang: the real
 * client of each library, one of whose consumers stops handing over records part-way (as a fetch
 * loop that died would), under a keyed running count with checkpoints and a restart strategy. The
 * source's `stallTimeoutMs` turns the silence into a `KafkaSourceStalledError`, the job restarts
 * from its last checkpoint with fresh consumers, and ends with the batch answer. Shared broker (no
 * bounce needed). Without the stall check the job runs forever and the test's limit fails it.
 */
import assert from "node:assert/strict";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { StreamEnvironment } from "../../engine/src/api/StreamEnvironment.js";
import { createKafkaClient, type KafkaLibrary } from "../../engine/src/connectors/kafka/clientChoice.js";
import type { KafkaClient, PartitionConsumer } from "../../engine/src/connectors/kafka/KafkaClient.js";
import { kafkaSource } from "../../engine/src/connectors/kafka/KafkaSource.js";
import { RestartStrategies } from "../../engine/src/runtime/restart/RestartStrategies.js";
import { CollectSink } from "../../engine/src/sinks/MemorySinks.js";
import { connectToBroker, kafkaTestsOff, kafkaVersion, uniqueTopic } from "./kafkaBroker.js";
import { keyedSeqRecords, runningCount, type KeyedCount, type KeyedSeq } from "./runningCount.js";

const RECORDS = 4_000;
const KEYS = 13;

/** `client`, except that the first consumer it opens hands over `limit` records and then nothing more, forever. */
function firstConsumerStalls(client: KafkaClient, limit: number): KafkaClient {
  let opened = 0;
  return {
    ...client,
    library: client.library,
    ping: () => client.ping(),
    listTopics: () => client.listTopics(),
    partitions: (t) => client.partitions(t),
    offsets: (t, s) => client.offsets(t, s),
    committedOffsets: (g, t) => client.committedOffsets(g, t),
    createTopics: (t) => client.createTopics(t),
    openProducer: (o) => client.openProducer(o),
    close: () => client.close(),
    openConsumer: async (options) => {
      const real = await client.openConsumer(options);
      if (++opened > 1) return real;
      let handed = 0;
      // As a consumer whose fetching died: past the records handed over, nothing fetched.
      const reached = new Map(options.assignment.map((a) => [`${a.topic}[${a.partition}]`, a.offset]));
      const stalled: PartitionConsumer = {
        get buffered() {
          return handed >= limit ? 0 : real.buffered;
        },
        get failure() {
          return real.failure;
        },
        take: (max) => {
          if (handed >= limit) return [];
          const records = real.take(Math.min(max, limit - handed));
          handed += records.length;
          for (const r of records) reached.set(`${r.topic}[${r.partition}]`, r.offset + 1);
          return records;
        },
        waitForRecords: (ms) => (handed >= limit ? new Promise((r) => setTimeout(r, ms)) : real.waitForRecords(ms)),
        fetchPosition: (topic, partition) => (handed < limit ? real.fetchPosition(topic, partition) : (reached.get(`${topic}[${partition}]`) ?? 0)),
        close: () => real.close(),
      };
      return stalled;
    },
  };
}

describe(`a Kafka reader that stops reading fails over by its stall timeout (Kafka ${kafkaVersion})`, { skip: kafkaTestsOff && "SLUICE_KAFKA_TESTS=off" }, () => {
  const broker = connectToBroker();

  for (const library of ["kafkajs", "platformatic"] satisfies KafkaLibrary[]) {
    test(`${library}: the stalled reader fails with KafkaSourceStalledError, the job restarts and ends with the batch answer`, async () => {
      const topic = uniqueTopic("stall-in");
      const { records, perKey } = keyedSeqRecords(topic, RECORDS, KEYS);
      await broker.client.createTopics([{ topic, partitions: 2 }]);
      const producer = await broker.client.openProducer({ idempotent: true });
      await producer.send(records);
      await producer.close();

      const client = firstConsumerStalls(createKafkaClient(library, [broker.bootstrap], "stall-test"), 700);
      const env = StreamEnvironment.create({ parallelism: 2, batchSize: 50 })
        .enableCheckpointing({ directory: await mkdtemp(join(tmpdir(), "sluice-stall-")), interval: 200 })
        .setRestartStrategy(RestartStrategies.fixedDelayRestart(5, 100));
      const out = new CollectSink<KeyedCount>();
      env
        .fromSource(kafkaSource<KeyedSeq>({ client, topics: [topic], bounded: true, maxBufferedRecords: 500, stallTimeoutMs: 3_000 }))
        .uid("kafka-in")
        .keyBy((v) => v.key)
        .process(runningCount())
        .uid("count")
        .sinkTo(out)
        .uid("collect")
        .setParallelism(1);
      const job = env.execute(`stall-${library}`);
      try {
        const result = await Promise.race([
          job.done,
          new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`job still ${job.status} after 60 s: the stalled reader was not failed over`)), 60_000)),
        ]);
        assert.equal(result.status, "finished", `job ended ${result.status}: ${result.error?.message}`);
        const restarts = result.metrics.restarts;
        assert.ok((restarts?.count ?? 0) >= 1, "the job restarted");
        assert.match(restarts?.lastFailure ?? "", /Kafka source stalled: no progress .* records wait .*topic stall-in-/);
      } finally {
        if (job.result === undefined) await job.cancel();
        await client.close();
      }
      const got = new Map<string, number>();
      for (const r of out.values) got.set(`${r.key}#${r.count}`, (got.get(`${r.key}#${r.count}`) ?? 0) + 1);
      const diff: string[] = [];
      for (const [key, n] of perKey) for (let c = 1; c <= n; c++) if (got.get(`${key}#${c}`) !== 1) diff.push(`${key}#${c}: ${got.get(`${key}#${c}`) ?? 0}`);
      assert.deepEqual(diff.slice(0, 10), [], `output differs from the batch answer (${diff.length} differences, ${out.values.length} records)`);
      assert.equal(out.values.length, RECORDS);
    });
  }
});
