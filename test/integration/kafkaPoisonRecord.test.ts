/**
 * A poison record in the middle of a live stream, against a real broker (version from
 * SLUICE_KAFKA_VERSION): an unbounded keyed job under the dead-letter policy meets a record that is
 * not JSON and one that does not match the schema. Each becomes a dead letter naming its topic,
 * partition and offset (and a copy in the DLQ topic), the job keeps running (records produced after
 * it saw them are counted too) and every good record is counted exactly once.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { StreamEnvironment } from "../../engine/src/api/StreamEnvironment.js";
import type { KafkaRecord, OutgoingRecord } from "../../engine/src/connectors/kafka/KafkaClient.js";
import { kafkaSource } from "../../engine/src/connectors/kafka/KafkaSource.js";
import type { DeadLetter } from "../../engine/src/operators/Operator.js";
import { sinks } from "../../engine/src/sinks/sinks.js";
import { kafkaTestsOff, kafkaVersion, readerContext, readToEnd, uniqueTopic, connectToBroker } from "./kafkaBroker.js";

const PARTITIONS = 3;
const KEYS = 10;
const PER_PHASE = 3_000;

interface Order {
  key: string;
  amount: number;
}
interface Total {
  key: string;
  n: number;
  total: number;
}

/** JSON with a schema check: a record whose `amount` is not a number is malformed too. */
function parseOrder(r: KafkaRecord): Order {
  const v = JSON.parse(r.value!.toString("utf8")) as Partial<Order>;
  if (typeof v.key !== "string" || typeof v.amount !== "number") throw new TypeError(`schema mismatch: expected {key: string, amount: number}, got ${r.value!.toString("utf8")}`);
  return { key: v.key, amount: v.amount };
}

async function until(condition: () => boolean): Promise<void> {
  // No deadline here: the test's own timeout ends a job that never gets there.
  while (!condition()) await new Promise((r) => setTimeout(r, 50));
}

describe(`Kafka poison record mid-stream (Kafka ${kafkaVersion})`, { skip: kafkaTestsOff && "SLUICE_KAFKA_TESTS=off" }, () => {
  const broker = connectToBroker();

  test("bad JSON and a schema mismatch mid-stream become dead letters with partition/offset; the job keeps going and counts every good record", { timeout: 120_000 }, async () => {
    const topic = uniqueTopic("poison");
    const dlq = uniqueTopic("poison-dlq");
    await broker.client.createTopics([
      { topic, partitions: PARTITIONS },
      { topic: dlq, partitions: 1 },
    ]);
    const expected = new Map<string, Total>();
    let seq = 0;
    const good = (n: number): OutgoingRecord[] =>
      Array.from({ length: n }, () => {
        const i = seq++;
        const order: Order = { key: `k${i % KEYS}`, amount: (i % 13) - 3 };
        const t = expected.get(order.key) ?? { key: order.key, n: 0, total: 0 };
        expected.set(order.key, { key: order.key, n: t.n + 1, total: t.total + order.amount });
        return { topic, key: order.key, value: JSON.stringify(order) };
      });

    const producer = await broker.client.openProducer({ idempotent: true });
    const env = StreamEnvironment.create({ parallelism: 2 }).setErrorPolicy("dead-letter");
    const totals = sinks.latest<Total>((t) => t.key);
    const dead = sinks.collect<DeadLetter>();
    env
      .fromSource(kafkaSource<Order>({ brokers: [broker.bootstrap], topics: [topic], deserializer: parseOrder, deadLetterTopic: dlq }))
      .map((o): Total => ({ key: o.key, n: 1, total: o.amount }))
      .keyBy((t) => t.key)
      .reduce((a, b) => ({ key: a.key, n: a.n + b.n, total: a.total + b.total }))
      .sinkTo(totals);
    env.deadLetters().sinkTo(dead);
    const job = env.execute("poison");
    let poison: { partition: number; offset: number }[];
    try {
      await producer.send(good(PER_PHASE / 2));
      const ends = new Map((await broker.client.offsets([topic], { kind: "latest" })).map((e) => [e.partition, e.offset]));
      poison = [
        { partition: 1, offset: ends.get(1)! },
        { partition: 2, offset: ends.get(2)! },
      ];
      await producer.send([
        { topic, partition: 1, key: "k1", value: '{"key":"k1","amount":' },
        { topic, partition: 2, key: "k2", value: '{"key":"k2","amount":"12"}' },
      ]);
      await producer.send(good(PER_PHASE / 2));
      await until(() => dead.values.length >= 2 || job.status !== "running");
      assert.equal(job.status, "running", "the job is still running after the poison records");
      // Records produced after the job saw the poison are counted as well.
      await producer.send(good(PER_PHASE));
      const complete = () => [...expected.values()].every((t) => totals.values().find((v) => v.key === t.key)?.n === t.n);
      await until(() => complete() || job.status !== "running");
      assert.equal(job.status, "running");
    } finally {
      await producer.close();
      await job.cancel();
    }

    const byKey = (a: Total, b: Total) => a.key.localeCompare(b.key);
    assert.deepEqual(totals.values().sort(byKey), [...expected.values()].sort(byKey), "every good record counted once");
    assert.equal(seq, 2 * PER_PHASE);
    const letters = dead.values.map((d) => ({ source: d.source, offset: d.offset, reason: d.reason })).sort((a, b) => String(a.source).localeCompare(String(b.source)));
    assert.equal(letters.length, 2, "exactly the two poison records are dead letters");
    assert.deepEqual(
      letters.map((d) => [d.source, d.offset]),
      poison.map((p) => [`${topic}[${p.partition}]`, p.offset]),
    );
    assert.match(letters[0]!.reason, /invalid JSON/);
    assert.match(letters[1]!.reason, /schema mismatch/);

    const reader = kafkaSource<KafkaRecord>({ brokers: [broker.bootstrap], topics: [dlq], bounded: true, deserializer: (r) => r }).createReader(readerContext());
    try {
      const copies = (await readToEnd(reader)).values.map((r) => [String(r.headers["sluice.partition"]), String(r.headers["sluice.offset"]), r.value?.toString()]);
      assert.deepEqual(copies.sort(), [
        ["1", String(poison[0]!.offset), '{"key":"k1","amount":'],
        ["2", String(poison[1]!.offset), '{"key":"k2","amount":"12"}'],
      ]);
    } finally {
      await reader.close?.();
    }
  });
});
