/**
 * A commit left behind by a failed job attempt must not cost the next attempt its output (a real
 * broker; the fault is injected at the client: the failed attempt's producer registration is held).
 *
 * What CI saw once (kafkaRestartStrategy.test.ts, 479 of 19,521 records lost): the broker died during
 * the commit of checkpoint 7, the checkpoint expired ("the commit … never settled"), the job failed
 * and restarted from checkpoint 7 while that commit was still under way. It then finished: EndTxn,
 * then a new producer for the next transaction — whose InitProducerId bumped the epoch of the
 * transactional id and so aborted the open transaction of the restarted attempt. That attempt's next
 * checkpoint was durable; its commit failed (fenced); the restore from it read the fenced
 * transaction as committed (a newer epoch exists) and went on: its records were gone.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { KafkaClient } from "../../engine/src/connectors/kafka/KafkaClient.js";
import { kafkaSink } from "../../engine/src/connectors/kafka/KafkaSink.js";
import { kafkaSource } from "../../engine/src/connectors/kafka/KafkaSource.js";
import type { TransactionalKafkaWriter } from "../../engine/src/connectors/kafka/TransactionalKafkaWriter.js";
import { connectToBroker, kafkaTestsOff, kafkaVersion, readerContext, readToEnd, uniqueTopic } from "./kafkaBroker.js";
import type { KeyedCount } from "./runningCount.js";

/** The real client; after `hold()`, the next `openProducer` waits until `release()` (and says so through `waiting`). */
function holdingClient(inner: KafkaClient) {
  let held = false;
  let release: () => void = () => undefined;
  let arrived: () => void = () => undefined;
  const waiting = new Promise<void>((resolve) => (arrived = resolve));
  const gate = new Promise<void>((resolve) => (release = resolve));
  const client = new Proxy(inner, {
    get(target, key) {
      if (key === "openProducer")
        return async (options: Parameters<KafkaClient["openProducer"]>[0]) => {
          if (held) {
            held = false;
            arrived();
            await gate;
          }
          return target.openProducer(options);
        };
      const value = Reflect.get(target, key) as unknown;
      return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  return { client, hold: () => void (held = true), waiting, release: () => release() };
}

const batch = (from: number, n: number): KeyedCount[] => Array.from({ length: n }, (_, i) => ({ key: `k${from + i}`, count: 1 }));
const noTimes = (values: readonly unknown[]) => values.map(() => Number.NaN);

describe(`Kafka exactly-once: a commit left behind by a failed attempt (Kafka ${kafkaVersion})`, { skip: kafkaTestsOff && "SLUICE_KAFKA_TESTS=off" }, () => {
  const broker = connectToBroker();

  test("a producer's id and epoch are its own, whatever another producer of this process registered since with its transactional id", async () => {
    const transactionalId = uniqueTopic("txn");
    const first = await broker.client.openProducer({ transactionalId, idempotent: true });
    const second = await broker.client.openProducer({ transactionalId, idempotent: true });
    try {
      await first.initTransactions?.();
      const own = first.identity?.();
      assert.ok(own !== undefined);
      await second.initTransactions?.(); // fences the first
      assert.deepEqual(first.identity?.(), own, "the first producer's committables name its own epoch");
      assert.equal(second.identity?.()?.producerEpoch, own.producerEpoch + 1);
    } finally {
      await Promise.all([first.close(), second.close()]);
    }
  });

  test("the old attempt's commit, finishing after the restart, neither fences the new attempt nor loses its checkpoint", async () => {
    const topic = uniqueTopic("zombie");
    await broker.client.createTopics([{ topic, partitions: 2 }]);
    const gate = holdingClient(broker.client);
    const sink = kafkaSink<KeyedCount>({ client: gate.client, topic, guarantee: "exactly-once", transactionalIdPrefix: uniqueTopic("txn"), key: (v) => v.key });
    const ctx = { jobName: "t", subtask: 0, parallelism: 1 };

    // Attempt 1 prepares checkpoint 1; its commit gets through EndTxn, then hangs opening the next producer.
    const first = sink.createWriter(ctx) as TransactionalKafkaWriter<KeyedCount>;
    await first.open();
    await first.write(batch(0, 100), noTimes(batch(0, 100)));
    const checkpoint1 = first.prepareCommit(1);
    gate.hold();
    const leftBehind = first.commit(1).then(
      () => "done",
      (error: Error) => `failed: ${error.message}`,
    );
    await gate.waiting;
    // Checkpoint 1 expired; attempt 1 fails: its sink is aborted and closed (the commit stays under way).
    await first.abort();
    await first.close();

    // Attempt 2 restores checkpoint 1 and writes the next interval; checkpoint 2 is prepared.
    const second = sink.createWriter(ctx) as TransactionalKafkaWriter<KeyedCount>;
    await second.recoverCommittables([checkpoint1]);
    await second.open();
    await second.write(batch(100, 100), noTimes(batch(100, 100)));
    const checkpoint2 = second.prepareCommit(2);

    // Now attempt 1's commit goes on, while checkpoint 2 is being written.
    gate.release();
    process.stdout.write(`# the commit left behind: ${await leftBehind}\n`);

    // Checkpoint 2 is durable. Its commit may fail; then the job restores it (attempt 3).
    const commit2 = await second.commit(2).then(
      () => "committed",
      (error: Error) => `failed: ${error.message}`,
    );
    process.stdout.write(`# commit of checkpoint 2: ${commit2}\n`);
    await second.close();
    const third = sink.createWriter(ctx) as TransactionalKafkaWriter<KeyedCount>;
    await third.recoverCommittables([checkpoint2]);
    await third.open();
    await third.close();

    const reader = kafkaSource<KeyedCount>({ brokers: [broker.bootstrap], topics: [topic], bounded: true }).createReader(readerContext());
    try {
      const keys = new Set((await readToEnd(reader)).values.map((v) => v.key));
      const missing = batch(0, 200).filter((v) => !keys.has(v.key));
      assert.deepEqual(missing.slice(0, 5), [], `${missing.length} of 200 committed records missing`);
      assert.equal(commit2, "committed", "the new attempt's transaction was not fenced by the old attempt");
    } finally {
      await reader.close?.();
    }
  });
});
