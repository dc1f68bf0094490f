/**
 * Per-partition watermarks against a real broker (version from SLUICE_KAFKA_VERSION): one source
 * subtask reads both partitions of a topic. A lagging partition must hold back event time (so its
 * records stay on time), and a partition idle for the strategy's idleness timeout must not, until
 * it gets data again.
 *
 * Processing time is a ManualClock that a ticker moves 1 ms per 10 ms of real time, so the 5 s
 * idleness timeout is never reached by the machine being slow, only by the test's `advance`.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { StreamEnvironment } from "../../engine/src/api/StreamEnvironment.js";
import type { OutgoingRecord } from "../../engine/src/connectors/kafka/KafkaClient.js";
import { kafkaSource } from "../../engine/src/connectors/kafka/KafkaSource.js";
import type { JobHandle } from "../../engine/src/runtime/JobHandle.js";
import { sinks } from "../../engine/src/sinks/sinks.js";
import { ManualClock } from "../../engine/src/testing/ManualClock.js";
import { WatermarkStrategy } from "../../engine/src/time/WatermarkStrategy.js";
import { TumblingEventTimeWindows } from "../../engine/src/windows/WindowAssigner.js";
import type { WindowResult } from "../../engine/src/windows/WindowFunction.js";
import { HOLD_AFTER_MS } from "../../engine/src/runtime/watermarkHold.js";
import { kafkaTestsOff, kafkaVersion, uniqueTopic, connectToBroker } from "./kafkaBroker.js";

const BASE_TS = 1_700_000_000_000;
const IDLE_MS = 5_000;

interface Tick {
  p: number;
  t: number;
}

async function until(condition: () => boolean): Promise<void> {
  // No deadline here: the test's own timeout ends a wait that never gets there.
  while (!condition()) await new Promise((r) => setTimeout(r, 20));
}

describe(`Kafka per-partition watermarks (Kafka ${kafkaVersion})`, { skip: kafkaTestsOff && "SLUICE_KAFKA_TESTS=off" }, () => {
  const broker = connectToBroker();

  /** Records every 10 ms of event time in [from, to) into one partition. */
  async function produce(topic: string, partition: number, from: number, to: number): Promise<number> {
    const records: OutgoingRecord[] = [];
    for (let t = from; t < to; t += 10) records.push({ topic, partition, timestamp: BASE_TS + t, value: JSON.stringify({ p: partition, t } satisfies Tick) });
    const producer = await broker.client.openProducer({ idempotent: true });
    try {
      await producer.send(records);
    } finally {
      await producer.close();
    }
    return records.length;
  }

  /** One source subtask over a 2-partition topic, 1 s event-time windows per partition. */
  async function start(strategy: WatermarkStrategy<Tick>) {
    const topic = uniqueTopic("wm");
    await broker.client.createTopics([{ topic, partitions: 2 }]);
    const clock = new ManualClock(0);
    const ticker = setInterval(() => clock.advance(1), 10);
    const env = StreamEnvironment.create({ parallelism: 1, clock });
    const out = sinks.collect<WindowResult<number, number>>();
    env
      .fromSource(kafkaSource<Tick>({ brokers: [broker.bootstrap], topics: [topic] }), strategy)
      .keyBy((v) => v.p)
      .window(TumblingEventTimeWindows.of(1_000))
      .count()
      .sinkTo(out);
    const job = env.execute(`watermarks-${topic}`);
    const source = () => job.metrics().operators.find((o) => o.kind === "source")!;
    const stop = async () => {
      clearInterval(ticker);
      await job.cancel();
    };
    return { topic, clock, job, out, source, stop };
  }

  const dropped = (job: JobHandle) => job.metrics().operators.reduce((n, o) => n + o.lateRecordsDropped, 0);

  test("a lagging partition holds back event time for the whole source, so its records stay on time", { timeout: 120_000 }, async () => {
    const { topic, clock, job, out, source, stop } = await start(WatermarkStrategy.forMonotonousTimestamps<Tick>());
    try {
      let total = (await produce(topic, 0, 0, 10_000)) + (await produce(topic, 1, 0, 2_000));
      await until(() => source().recordsIn === total);
      // recordsIn and the watermark change in the same synchronous step, so this is the watermark after all records.
      assert.equal(source().watermark, BASE_TS + 1_989, "partition 1 (up to 1 990) holds partition 0 (up to 9 990) back");
      await until(() => out.values.length >= 2);
      assert.deepEqual(
        out.values.map((r) => [r.key, r.start - BASE_TS, r.value]).sort(),
        [
          [0, 0, 100],
          [1, 0, 100],
        ],
        "only [0, 1 000) is complete",
      );
      // The status line's "held back by" names the partition once event time stood still.
      clock.advance(HOLD_AFTER_MS);
      await until(() => job.metrics().watermarkHold !== undefined);
      const { quietFor, ...hold } = job.metrics().watermarkHold!;
      assert.deepEqual(hold, { source: source().name, subtask: 0, parallelism: 1, reason: "quiet", split: `${topic}[1]`, watermark: BASE_TS + 1_989 });
      assert.ok(quietFor! >= HOLD_AFTER_MS, `quiet for ${quietFor} ms`);

      total += await produce(topic, 1, 2_000, 10_000);
      await until(() => source().recordsIn === total);
      assert.equal(source().watermark, BASE_TS + 9_989);
      await until(() => out.values.length >= 18);
      assert.equal(dropped(job), 0, "partition 1's catch-up records were not late");
      const counts = out.values.map((r) => [r.key, r.start - BASE_TS, r.value]).sort((a, b) => a[0]! - b[0]! || a[1]! - b[1]!);
      assert.deepEqual(
        counts,
        [0, 1].flatMap((p) => Array.from({ length: 9 }, (_, w) => [p, w * 1_000, 100])),
      );
    } finally {
      await stop();
    }
  });

  test("a partition idle for the idleness timeout stops holding back, and rejoins when it gets data", { timeout: 120_000 }, async () => {
    const { topic, clock, job, source, stop } = await start(WatermarkStrategy.forMonotonousTimestamps<Tick>().withIdleness(IDLE_MS));
    try {
      let total = (await produce(topic, 0, 0, 5_000)) + (await produce(topic, 1, 0, 1_000));
      await until(() => source().recordsIn === total);
      assert.equal(source().watermark, BASE_TS + 989, "both partitions active: partition 1 holds back");

      clock.advance(IDLE_MS); // both partitions go idle
      total += await produce(topic, 0, 5_000, 10_000); // partition 0 is active again, partition 1 stays idle
      await until(() => source().recordsIn === total);
      await until(() => source().watermark === BASE_TS + 9_989);

      total += await produce(topic, 1, 10_000, 11_000); // partition 1 rejoins...
      await until(() => source().recordsIn === total);
      total += await produce(topic, 0, 20_000, 21_000); // ...and holds partition 0 back again
      await until(() => source().recordsIn === total);
      assert.equal(source().watermark, BASE_TS + 10_989, "min(partition 0: 20 989, partition 1: 10 989)");
      assert.equal(dropped(job), 0);
    } finally {
      await stop();
    }
  });
});
