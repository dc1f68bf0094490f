/**
 * Kill the broker under a running exactly-once job: Kafka (bounded read) → keyBy → running count
 * per key → exactly-once Kafka sink, checkpoints every 300 ms, the default restart strategy. The
 * test's own broker (never a shared one) is killed with SIGKILL mid-run and started again on the
 * same address; the job must recover by itself (no manual step) and finish, and a read_committed
 * reader of the output must see the batch answer: per key with n records, counts 1..n once each.
 * SLUICE_RESTART_RECORDS sets the input size (default 20 000); SLUICE_RESTART_KILLS the number of
 * times the broker is killed (default 1; each kill waits for more progress first).
 */
import assert from "node:assert/strict";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { StreamEnvironment } from "../../engine/src/api/StreamEnvironment.js";
import { KafkajsClient } from "../../engine/src/connectors/kafka/KafkajsClient.js";
import { kafkaSink } from "../../engine/src/connectors/kafka/KafkaSink.js";
import { kafkaSource } from "../../engine/src/connectors/kafka/KafkaSource.js";
import type { JobStatus } from "../../engine/src/runtime/JobMetrics.js";
import type { Sink } from "../../engine/src/sinks/Sink.js";
import { kafkaTestsOff, kafkaVersion, readCommitted, uniqueTopic } from "./kafkaBroker.js";
import { PrivateKafkaBroker } from "./privateKafkaBroker.js";
import { keyedSeqRecords, runningCount, type KeyedCount as Out, type KeyedSeq as In } from "./runningCount.js";

const RECORDS = Number(process.env.SLUICE_RESTART_RECORDS ?? 20_000);
const KILLS = Number(process.env.SLUICE_RESTART_KILLS ?? 1);
const KEYS = 37;

/** Slows the sink down (a few ms per batch) so the broker dies while the job is mid-way. */
function throttled<T>(sink: Sink<T>, ms: number): Sink<T> {
  return {
    ...sink,
    createWriter(ctx) {
      const w = sink.createWriter(ctx);
      const write = w.write.bind(w);
      w.write = async (values, timestamps) => {
        await new Promise((r) => setTimeout(r, ms));
        await write(values, timestamps);
      };
      return w;
    },
  };
}

describe(`Kafka broker killed under an exactly-once job: the restart strategy recovers it (Kafka ${kafkaVersion})`, { skip: kafkaTestsOff && "SLUICE_KAFKA_TESTS=off" }, () => {
  const broker = PrivateKafkaBroker.named("restart-strategy");
  let bootstrap: string;

  before(async () => {
    bootstrap = await broker.start();
  });

  after(async () => {
    await broker.destroy();
  });

  test("kill -9 the broker mid-run: the job restarts from its checkpoints by itself and ends with the batch answer", async () => {
    const input = uniqueTopic("restart-in");
    const output = uniqueTopic("restart-out");
    const { records, perKey } = keyedSeqRecords(input, RECORDS, KEYS);
    const admin = KafkajsClient.create({ brokers: [bootstrap] });
    try {
      await admin.createTopics([
        { topic: input, partitions: 2 },
        { topic: output, partitions: 2 },
      ]);
      const producer = await admin.openProducer({ idempotent: true });
      for (let i = 0; i < records.length; i += 5_000) await producer.send(records.slice(i, i + 5_000));
      await producer.close();
    } finally {
      await admin.close();
    }

    // Short safety nets: a run where the job neither fails nor progresses after the broker is back
    // (seen once: 24,007 of 30,000 records read, then silence) fails over within the test's time.
    const env = StreamEnvironment.create({ parallelism: 2, batchSize: 50, taskCancellationTimeout: 10_000 }).enableCheckpointing({
      directory: await mkdtemp(join(tmpdir(), "sluice-restart-")),
      interval: 300,
      checkpointTimeout: 15_000,
    });
    env
      .fromSource(kafkaSource<In>({ brokers: [bootstrap], topics: [input], bounded: true, maxBufferedRecords: 500, backoff: { initialMs: 200, maxMs: 1_000 } }))
      .uid("kafka-in")
      .keyBy((v) => v.key)
      .process(runningCount())
      .uid("count")
      .sinkTo(
        throttled(
          kafkaSink<Out>({
            brokers: [bootstrap],
            topic: output,
            guarantee: "exactly-once",
            transactionalIdPrefix: uniqueTopic("restart-txn"),
            key: (v) => v.key,
            backoff: { initialMs: 200, maxMs: 1_000 },
          }),
          5,
        ),
      )
      .uid("kafka-out");
    const job = env.execute("restart-strategy");
    const statuses = new Set<JobStatus>();
    const watch = setInterval(() => statuses.add(job.status), 20);
    try {
      // Kill once a good part of the input went through (a few checkpoints completed), well before the end.
      // Counters start over with each attempt: after a restart, wait for the new attempt's progress.
      const sinkIn = () => job.metrics().operators.find((o) => o.kind === "sink")?.recordsIn ?? 0;
      for (let kill = 0; kill < KILLS; kill++) {
        while ((job.status !== "running" || sinkIn() < RECORDS / (KILLS + 3)) && job.result === undefined) await new Promise((r) => setTimeout(r, 20));
        assert.equal(job.result, undefined, `the job must still run when the broker dies (kill ${kill + 1})`);
        await broker.kill();
        await new Promise((r) => setTimeout(r, 1_000));
        await broker.start();
      }

      const result = await Promise.race([job.done, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`job still ${job.status} 90 s after the broker came back`)), 90_000))]);
      const restarts = result.metrics.restarts!;
      process.stdout.write(`# restarts=${restarts.count} last failure: ${restarts.lastFailure ?? "-"}; statuses seen: ${[...statuses].join(", ")}\n`);
      assert.equal(result.status, "finished", `job ended ${result.status}: ${result.error?.message}`);
    } finally {
      clearInterval(watch);
      if (job.result === undefined) await job.cancel();
    }

    const got = await readCommitted<Out>(bootstrap, output, RECORDS);
    const expected = new Map<string, number>();
    for (const [key, n] of perKey) for (let c = 1; c <= n; c++) expected.set(`${key}#${c}`, 1);
    const actual = new Map<string, number>();
    for (const r of got) actual.set(`${r.key}#${r.count}`, (actual.get(`${r.key}#${r.count}`) ?? 0) + 1);
    const diff: string[] = [];
    for (const [k] of expected) if (actual.get(k) !== 1) diff.push(`${k}: expected 1, got ${actual.get(k) ?? 0}`);
    for (const [k, n] of actual) if (!expected.has(k)) diff.push(`${k}: expected 0, got ${n}`);
    assert.deepEqual(diff.slice(0, 20), [], `output differs from the batch answer (${diff.length} differences, ${got.length} records)`);
  });
});
