/**
 * Stop-with-savepoint against a real broker (version from SLUICE_KAFKA_VERSION): Kafka → keyed running
 * count → exactly-once Kafka sink, stopped with `job.stop({ savepoint })` at a random moment and
 * restored from that savepoint (bounded). The stop commits the sink's last transaction with the
 * savepoint (nothing is aborted), the stopped job is `finished`, every input record is read exactly
 * once over both runs, and a read_committed reader sees exactly the batch answer.
 * SLUICE_KAFKA_STOP_ROUNDS=5 runs more stops (default 2).
 */
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { StreamEnvironment } from "../../engine/src/api/StreamEnvironment.js";
import { kafkaSink } from "../../engine/src/connectors/kafka/KafkaSink.js";
import { kafkaSource } from "../../engine/src/connectors/kafka/KafkaSource.js";
import type { JobHandle } from "../../engine/src/runtime/JobHandle.js";
import type { CollectSink } from "../../engine/src/sinks/MemorySinks.js";
import { sinks } from "../../engine/src/sinks/sinks.js";
import { connectToBroker, kafkaTestsOff, kafkaVersion, readCommitted, uniqueTopic } from "./kafkaBroker.js";
import { keyedSeqRecords, type KeyedCount as Out, type KeyedSeq as In } from "./runningCount.js";

const RECORDS = 6_000;
const KEYS = 13;
const ROUNDS = Number(process.env.SLUICE_KAFKA_STOP_ROUNDS ?? 2);

describe(`Kafka stop-with-savepoint (Kafka ${kafkaVersion})`, { skip: kafkaTestsOff && "SLUICE_KAFKA_TESTS=off" }, () => {
  const broker = connectToBroker();

  function pipeline(env: StreamEnvironment, input: string, output: string, prefix: string, bounded: boolean, read: CollectSink<number>, onRecord: () => void = () => {}) {
    const records = env
      .fromSource(kafkaSource<In>({ brokers: [broker.bootstrap], topics: [input], bounded, startFrom: "earliest" }))
      .uid("in")
      .map((r) => {
        onRecord();
        return r;
      })
      .uid("hook");
    records
      .map((r) => r.seq)
      .uid("seq")
      .sinkTo(read)
      .uid("read")
      .setParallelism(1);
    records
      .map((r): Out => ({ key: r.key, count: 1 }))
      .uid("ones")
      .keyBy((r) => r.key)
      .reduce((a, b) => ({ key: a.key, count: a.count + b.count }))
      .uid("counts")
      .sinkTo(kafkaSink<Out>({ brokers: [broker.bootstrap], topic: output, guarantee: "exactly-once", transactionalIdPrefix: prefix, key: (r) => r.key }))
      .uid("out");
  }

  for (let round = 0; round < ROUNDS; round++) {
    test(`stopped with a savepoint and restored: read_committed output is the batch answer (round ${round})`, { timeout: 120_000 }, async () => {
      const input = uniqueTopic("stop-in");
      const output = uniqueTopic("stop-out");
      const prefix = uniqueTopic("stop-txn");
      const dir = await mkdtemp(join(tmpdir(), "sluice-kafka-stop-"));
      try {
        await broker.client.createTopics([
          { topic: input, partitions: 2 },
          { topic: output, partitions: 2 },
        ]);
        const { records, perKey } = keyedSeqRecords(input, RECORDS, KEYS);
        const producer = await broker.client.openProducer({ idempotent: true });
        try {
          await producer.send(records);
        } finally {
          await producer.close();
        }

        const after = 200 + Math.floor(Math.random() * (RECORDS - 1_000));
        const before = sinks.collect<number>();
        const env = StreamEnvironment.create({ parallelism: 2, batchSize: 64 }).enableCheckpointing({ directory: dir });
        let seen = 0;
        let job: JobHandle | undefined;
        let stopping: ReturnType<JobHandle["stop"]> | undefined;
        pipeline(env, input, output, prefix, false, before, () => {
          if (++seen === after) stopping = job!.stop({ savepoint: "kafka-stop" });
        });
        job = env.execute("kafka-stop");
        await job.done;
        const stop = await stopping!;
        assert.equal(stop.result.status, "finished", stop.result.error?.message);
        assert.ok(stop.savepoint !== undefined);
        assert.ok(before.values.length < RECORDS, `stopped part of the way (${before.values.length} read, stop after ${after})`);

        const rest = sinks.collect<number>();
        const resumed = StreamEnvironment.create({ parallelism: 2, batchSize: 64 }).enableCheckpointing({ directory: dir });
        pipeline(resumed, input, output, prefix, true, rest);
        await resumed.execute("kafka-stop", { restoreFrom: "kafka-stop" }).wait();

        const seqs = [...before.values, ...rest.values].sort((a, b) => a - b);
        assert.deepEqual(
          seqs,
          Array.from({ length: RECORDS }, (_, i) => i),
          `every record read once over both runs (stop after ${after})`,
        );
        const got = await readCommitted<Out>(broker.bootstrap, output, RECORDS);
        const counts = new Map<string, number[]>();
        for (const r of got) counts.set(r.key, [...(counts.get(r.key) ?? []), r.count]);
        for (const [key, n] of perKey) {
          assert.deepEqual(
            (counts.get(key) ?? []).sort((a, b) => a - b),
            Array.from({ length: n }, (_, i) => i + 1),
            `key ${key}: counts 1..${n}, each once`,
          );
        }
        assert.equal(got.length, RECORDS);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });
  }
});
