/**
 * Consumer-group offsets for monitoring, against a real broker (version from SLUICE_KAFKA_VERSION):
 * after each completed checkpoint the source commits the checkpointed offsets to its `groupId`, so
 * the group's committed offsets (what lag monitors read with admin.fetchOffsets) advance with the
 * job; a restore still resumes from the checkpoint, whatever the group says.
 */
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { StreamEnvironment } from "../../engine/src/api/StreamEnvironment.js";
import type { OutgoingRecord } from "../../engine/src/connectors/kafka/KafkaClient.js";
import { kafkaSource } from "../../engine/src/connectors/kafka/KafkaSource.js";
import type { JobHandle } from "../../engine/src/runtime/JobHandle.js";
import { sinks } from "../../engine/src/sinks/sinks.js";
import { kafkaTestsOff, kafkaVersion, uniqueTopic, connectToBroker } from "./kafkaBroker.js";

interface Item {
  n: number;
}

async function until(condition: () => boolean | Promise<boolean>): Promise<void> {
  // No deadline here: the test's own timeout ends a wait that never gets there.
  while (!(await condition())) await new Promise((r) => setTimeout(r, 50));
}

describe(`Kafka offsets committed to the consumer group (Kafka ${kafkaVersion})`, { skip: kafkaTestsOff && "SLUICE_KAFKA_TESTS=off" }, () => {
  const broker = connectToBroker();

  test("completed checkpoints advance the group's committed offsets; restore ignores them and uses the checkpoint", { timeout: 120_000 }, async () => {
    const topic = uniqueTopic("commit");
    const group = uniqueTopic("monitor");
    await broker.client.createTopics([{ topic, partitions: 2 }]);
    let sent = 0;
    const produce = async (perPartition: number) => {
      const records: OutgoingRecord[] = [];
      for (let i = 0; i < perPartition; i++) for (const partition of [0, 1]) records.push({ topic, partition, value: JSON.stringify({ n: sent++ } satisfies Item) });
      const producer = await broker.client.openProducer({ idempotent: true });
      try {
        await producer.send(records);
      } finally {
        await producer.close();
      }
    };
    const groupOffsets = async () => Object.fromEntries((await broker.client.committedOffsets(group, [topic])).map((o) => [o.partition, o.offset]));
    const dir = await mkdtemp(join(tmpdir(), "sluice-commit-"));

    const run = (restore: boolean) => {
      const env = StreamEnvironment.create({ parallelism: 2 }).enableCheckpointing({ directory: dir });
      const out = sinks.collect<Item>();
      env
        .fromSource(kafkaSource<Item>({ brokers: [broker.bootstrap], topics: [topic], groupId: group, startFrom: "committed" }))
        .uid("in")
        .sinkTo(out)
        .uid("out");
      return { job: env.execute("offset-commit", restore ? { restoreFrom: "latest" } : {}), out };
    };
    const read = (job: JobHandle) => job.metrics().operators.find((o) => o.kind === "source")!.recordsIn;

    try {
      const first = run(false);
      try {
        assert.deepEqual(await groupOffsets(), {}, "nothing committed before the first checkpoint");
        await produce(300);
        await until(() => read(first.job) === 600);
        await first.job.checkpoint();
        await until(async () => JSON.stringify(await groupOffsets()) === JSON.stringify({ 0: 300, 1: 300 }));

        await produce(200);
        await until(() => read(first.job) === 1_000);
        assert.deepEqual(await groupOffsets(), { 0: 300, 1: 300 }, "reading alone commits nothing: only checkpoints do");
        await first.job.checkpoint();
        await until(async () => JSON.stringify(await groupOffsets()) === JSON.stringify({ 0: 500, 1: 500 }));
      } finally {
        await first.job.cancel();
      }

      // The group now says "start from 0"; a restore must still continue at the checkpoint (500, 500).
      await broker.client.commitOffsets(group, [
        { topic, partition: 0, offset: 0 },
        { topic, partition: 1, offset: 0 },
      ]);
      assert.deepEqual(await groupOffsets(), { 0: 0, 1: 0 });
      await produce(5);
      const second = run(true);
      try {
        await until(() => second.out.values.length >= 10);
        await second.job.checkpoint();
        await until(async () => JSON.stringify(await groupOffsets()) === JSON.stringify({ 0: 505, 1: 505 }));
        assert.deepEqual(
          second.out.values.map((v) => v.n).sort((a, b) => a - b),
          Array.from({ length: 10 }, (_, i) => 1_000 + i),
          "only the records after the checkpoint",
        );
      } finally {
        await second.job.cancel();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
