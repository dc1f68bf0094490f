/**
 * Restoring Kafka source jobs against a real broker (version from SLUICE_KAFKA_VERSION), as
 * Flink's KafkaSource does:
 * - partitions and pattern-matched topics created while the job was down are read from their first
 *   record after a restore, even with startFrom "latest" (they are new to the job, not old data);
 * - unless the checkpoint was taken before the reader ever reached the broker: then startFrom holds;
 * - a job checkpointed at source parallelism 2 is restored at 3 and then at 1, and every record
 *   (partition and offset) is read exactly once over the three runs.
 */
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { StreamEnvironment } from "../../engine/src/api/StreamEnvironment.js";
import type { OutgoingRecord } from "../../engine/src/connectors/kafka/KafkaClient.js";
import { kafkaSource, type KafkaSource, type KafkaSourceOptions } from "../../engine/src/connectors/kafka/KafkaSource.js";
import type { JobHandle } from "../../engine/src/runtime/JobHandle.js";
import { sinks } from "../../engine/src/sinks/sinks.js";
import type { CollectSink } from "../../engine/src/sinks/MemorySinks.js";
import { connectToBroker, kafkaTestsOff, kafkaVersion, uniqueTopic } from "./kafkaBroker.js";

/** Where a record was read from: what "exactly once" is checked on. */
interface Read {
  topic: string;
  partition: number;
  offset: number;
}

const at = (r: Read) => `${r.topic}[${r.partition}]@${r.offset}`;
/** Offsets `from` .. `to - 1` of one partition, as `at` names them. */
const range = (topic: string, partition: number, from: number, to: number) => Array.from({ length: to - from }, (_, k) => at({ topic, partition, offset: from + k }));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(condition: () => boolean): Promise<void> {
  // No deadline here: the test's own timeout ends a wait that never gets there.
  while (!condition()) await sleep(50);
}

describe(`Kafka source restore: new partitions and rescaling (Kafka ${kafkaVersion})`, { skip: kafkaTestsOff && "SLUICE_KAFKA_TESTS=off" }, () => {
  const broker = connectToBroker();
  let dir: string;

  async function produce(topic: string, counts: Record<number, number>): Promise<void> {
    const records: OutgoingRecord[] = Object.entries(counts).flatMap(([p, n]) => Array.from({ length: n }, () => ({ topic, partition: Number(p), value: "{}" })));
    const producer = await broker.client.openProducer({ idempotent: true });
    try {
      await producer.send(records);
    } finally {
      await producer.close();
    }
  }

  async function addPartitions(topic: string, count: number): Promise<void> {
    const admin = broker.client.kafka.admin();
    await admin.connect();
    try {
      await admin.createPartitions({ topicPartitions: [{ topic, count }] });
    } finally {
      await admin.disconnect();
    }
  }

  interface Run {
    job: JobHandle;
    out: CollectSink<Read>;
    source: KafkaSource<Read>;
    parallelism: number;
  }

  /** One run of the job; discovery is off, so whatever a restored run reads beyond its checkpoint comes from the restore. */
  function run(parallelism: number, restore: boolean, options: Pick<KafkaSourceOptions<Read>, "topics" | "topicPattern" | "startFrom" | "brokers">): Run {
    const env = StreamEnvironment.create({ parallelism }).enableCheckpointing({ directory: dir });
    const out = sinks.collect<Read>();
    const source = kafkaSource<Read>({
      brokers: [broker.bootstrap],
      ...options,
      partitionDiscoveryIntervalMs: false,
      deserializer: (r) => ({ topic: r.topic, partition: r.partition, offset: r.offset }),
    });
    // One sink subtask: only the source's parallelism changes between runs.
    env.fromSource(source).uid("in").sinkTo(out).uid("out").setParallelism(1);
    return { job: env.execute("kafka-restore", restore ? { restoreFrom: "latest" } : {}), out, source, parallelism };
  }

  /** Every subtask has resolved its partitions and start offsets: records produced from now on are after "latest". */
  async function connected(r: Run): Promise<void> {
    await until(() => r.job.status !== "running" || (r.source.status().length === r.parallelism && r.source.status().every((s) => s.state === "running")));
    assert.equal(r.job.status, "running", String(r.job.status));
  }

  /** Reads until `count` records arrived, lets anything read twice catch up, and cancels (after a checkpoint if asked). */
  async function readThenStop(r: Run, count: number, checkpoint: boolean): Promise<string[]> {
    try {
      await until(() => r.out.values.length >= count || r.job.status !== "running");
      if (r.job.status !== "running") assert.fail(`job ${r.job.status}: ${String((await r.job.done).error)}`);
      if (checkpoint) await r.job.checkpoint();
      await sleep(300);
    } finally {
      await r.job.cancel();
    }
    return r.out.values.map(at).sort();
  }

  test('partitions added while the job was down are read from their first record (startFrom "latest")', { timeout: 120_000 }, async () => {
    dir = await mkdtemp(join(tmpdir(), "sluice-kafka-restore-"));
    try {
      const topic = uniqueTopic("grown");
      await broker.client.createTopics([{ topic, partitions: 1 }]);
      await produce(topic, { 0: 20 }); // before the job: "latest" skips these
      // Three subtasks and one partition: two of them own nothing when they checkpoint.
      const first = run(3, false, { topics: [topic], startFrom: "latest" });
      await connected(first);
      await produce(topic, { 0: 30 });
      assert.deepEqual(await readThenStop(first, 30, true), range(topic, 0, 20, 50).sort());

      await addPartitions(topic, 4);
      await produce(topic, { 0: 10, 1: 25, 2: 25, 3: 25 });
      const second = run(3, true, { topics: [topic], startFrom: "latest" });
      await connected(second);
      // Written after the restored readers connected: read in any case, so a skip shows as a diff, not a hang.
      await produce(topic, { 0: 1, 1: 1, 2: 1, 3: 1 });
      const want = [...range(topic, 0, 50, 61), ...[1, 2, 3].flatMap((p) => range(topic, p, 0, 26))].sort();
      assert.deepEqual(await readThenStop(second, want.length, false), want, "the records written while down, none skipped, none twice");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test("topics matching the pattern that were created while the job was down are read from their first record", { timeout: 120_000 }, async () => {
    dir = await mkdtemp(join(tmpdir(), "sluice-kafka-restore-"));
    try {
      const prefix = uniqueTopic("family");
      const [old, added] = [`${prefix}-a`, `${prefix}-b`];
      await broker.client.createTopics([{ topic: old, partitions: 2 }]);
      const first = run(2, false, { topicPattern: new RegExp(`^${prefix}-`), startFrom: "latest" });
      await connected(first);
      await produce(old, { 0: 15, 1: 15 });
      assert.deepEqual(await readThenStop(first, 30, true), [...range(old, 0, 0, 15), ...range(old, 1, 0, 15)].sort());

      await broker.client.createTopics([{ topic: added, partitions: 3 }]);
      await produce(added, { 0: 20, 1: 20, 2: 20 });
      await produce(old, { 0: 5, 1: 5 });
      const second = run(2, true, { topicPattern: new RegExp(`^${prefix}-`), startFrom: "latest" });
      await connected(second);
      await produce(added, { 0: 1, 1: 1, 2: 1 });
      const want = [...range(old, 0, 15, 20), ...range(old, 1, 15, 20), ...[0, 1, 2].flatMap((p) => range(added, p, 0, 21))].sort();
      assert.deepEqual(await readThenStop(second, want.length, false), want, "the new topic from its start, the old one from the checkpoint");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test("a checkpoint taken before the reader ever reached the broker keeps startFrom on restore", { timeout: 120_000 }, async () => {
    dir = await mkdtemp(join(tmpdir(), "sluice-kafka-restore-"));
    try {
      const topic = uniqueTopic("unreached");
      await broker.client.createTopics([{ topic, partitions: 2 }]);
      // Nothing listens on port 9: the readers retry and never list a partition.
      const first = run(2, false, { topics: [topic], startFrom: "latest", brokers: ["127.0.0.1:9"] });
      try {
        await until(() => first.job.status !== "running" || (first.source.status().length === 2 && first.source.status().every((s) => s.state === "retrying")));
        assert.equal(first.job.status, "running");
        await first.job.checkpoint();
      } finally {
        await first.job.cancel();
      }
      assert.deepEqual(first.out.values, []);

      await produce(topic, { 0: 20, 1: 20 }); // before the restored job connects: "latest" skips these
      const second = run(2, true, { topics: [topic], startFrom: "latest" });
      await connected(second);
      await produce(topic, { 0: 3, 1: 3 });
      const want = [...range(topic, 0, 20, 23), ...range(topic, 1, 20, 23)].sort();
      assert.deepEqual(await readThenStop(second, want.length, false), want, "only what was written after the restored job connected");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test("a job checkpointed at source parallelism 2 is restored at 3 and then at 1, reading every record exactly once", { timeout: 180_000 }, async () => {
    dir = await mkdtemp(join(tmpdir(), "sluice-kafka-restore-"));
    try {
      const topic = uniqueTopic("rescale");
      const partitions = [0, 1, 2, 3, 4, 5];
      await broker.client.createTopics([{ topic, partitions: partitions.length }]);
      // Uneven batches, so the partitions stand at different offsets at each checkpoint.
      const batches = [
        [40, 7, 0, 63, 12, 25],
        [5, 30, 18, 0, 44, 9],
        [11, 0, 27, 8, 3, 50],
      ];
      const end = partitions.map(() => 0);
      const all: string[] = [];
      for (const [i, parallelism] of [2, 3, 1].entries()) {
        await produce(topic, Object.fromEntries(batches[i]!.entries()));
        const want = partitions.flatMap((p) => range(topic, p, end[p]!, (end[p]! += batches[i]![p]!))).sort();
        const r = run(parallelism, i > 0, { topics: [topic], startFrom: "earliest" });
        const got = await readThenStop(r, want.length, i < 2);
        assert.deepEqual(got, want, `run ${i + 1} at parallelism ${parallelism} reads exactly what the previous checkpoint left`);
        all.push(...got);
      }
      const perPartition = (keys: string[]) => partitions.map((p) => keys.filter((k) => k.startsWith(`${topic}[${p}]@`)).length);
      assert.deepEqual(perPartition(all), end, "records per partition over the three runs");
      assert.equal(new Set(all).size, all.length, "no offset read twice");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
