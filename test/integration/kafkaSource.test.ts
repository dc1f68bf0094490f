/**
 * The Kafka source against a real broker (version from SLUICE_KAFKA_VERSION): exact records,
 * offsets, partitions and timestamps; restore from snapshotted positions without loss or
 * duplicates; malformed records to the dead-letter path and DLQ topic with partition and offset.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { StreamEnvironment } from "../../engine/src/api/StreamEnvironment.js";
import { kafkaSource } from "../../engine/src/connectors/kafka/KafkaSource.js";
import { KafkajsClient } from "../../engine/src/connectors/kafka/KafkajsClient.js";
import type { KafkaRecord } from "../../engine/src/connectors/kafka/KafkaClient.js";
import type { DeadLetter } from "../../engine/src/operators/Operator.js";
import { sinks } from "../../engine/src/sinks/sinks.js";
import { assertNumbered, BASE_TS, produceNumbered, type Row, rows } from "../support/kafkaNumberedTopic.js";
import { boundedJob, restoreTwoToOne, startFromTimestamp } from "../support/kafkaSourceScenarios.js";
import { ensureBroker, kafkaTestsOff, kafkaVersion, readerContext, readToEnd, stopIfStartedHere, uniqueTopic, type BadRecordCall } from "./kafkaBroker.js";

describe(`Kafka source against Kafka ${kafkaVersion}`, { skip: kafkaTestsOff && "SLUICE_KAFKA_TESTS=off" }, () => {
  let bootstrap: string;
  let client: KafkajsClient;
  let topic: string;

  before(async () => {
    bootstrap = await ensureBroker();
    client = KafkajsClient.create({ brokers: [bootstrap] });
    topic = uniqueTopic("src");
    await produceNumbered(client, topic);
  });

  after(async () => {
    await client?.close();
    await stopIfStartedHere();
  });

  /** Also the timestamp each record was polled with. */
  function assertExactlyAll(values: Row[], timestamps: number[]): void {
    assertNumbered(values);
    for (const [k, v] of values.entries()) assert.equal(timestamps[k], BASE_TS + v.i, `poll timestamp of record ${v.i}`);
  }

  test("reads exactly the produced records with their partitions, offsets and timestamps", async () => {
    const reader = kafkaSource<Row>({ brokers: [bootstrap], topics: [topic], bounded: true, deserializer: rows }).createReader(readerContext());
    try {
      const { values, timestamps } = await readToEnd(reader);
      assertExactlyAll(values, timestamps);
    } finally {
      await reader.close?.();
    }
  });

  test("through the engine: a bounded Kafka source feeds a job that ends", () => boundedJob({ brokers: [bootstrap] }, topic));

  test("restore from snapshotted positions (2 subtasks -> 1) continues without loss or duplicates", () => restoreTwoToOne({ brokers: [bootstrap] }, topic));

  test("startFrom a timestamp reads exactly the records at or after it", () => startFromTimestamp({ brokers: [bootstrap] }, topic));

  test("malformed JSON goes to the dead-letter path and the DLQ topic with partition and offset", async () => {
    const bad = uniqueTopic("bad");
    const dlq = uniqueTopic("dlq");
    await client.createTopics([
      { topic: bad, partitions: 2 },
      { topic: dlq, partitions: 1 },
    ]);
    const producer = await client.openProducer({ idempotent: true });
    await producer.send([
      { topic: bad, partition: 1, value: '{"ok":1}' },
      { topic: bad, partition: 1, value: "{not json" },
      { topic: bad, partition: 1, value: '{"ok":2}' },
      { topic: bad, partition: 0, value: '{"ok":3}' },
    ]);
    await producer.close();

    const calls: BadRecordCall[] = [];
    const reader = kafkaSource<{ ok: number }>({ brokers: [bootstrap], topics: [bad], bounded: true, deadLetterTopic: dlq }).createReader(readerContext(0, 1, calls));
    try {
      const { values } = await readToEnd(reader);
      assert.deepEqual(values.map((v) => v.ok).sort(), [1, 2, 3], "the job keeps running past the bad record");
    } finally {
      await reader.close?.();
    }
    assert.equal(calls.length, 1);
    assert.match(calls[0]!.reason, /invalid JSON/);
    assert.deepEqual({ source: calls[0]!.position.source, offset: calls[0]!.position.offset }, { source: `${bad}[1]`, offset: 1 });
    assert.equal((calls[0]!.raw as { value: string }).value, "{not json");

    const dlqReader = kafkaSource<KafkaRecord>({ brokers: [bootstrap], topics: [dlq], bounded: true, deserializer: (r) => r }).createReader(readerContext());
    try {
      const { values } = await readToEnd(dlqReader);
      assert.equal(values.length, 1);
      const h = values[0]!.headers;
      assert.equal(values[0]!.value?.toString(), "{not json");
      assert.deepEqual([String(h["sluice.topic"]), String(h["sluice.partition"]), String(h["sluice.offset"])], [bad, "1", "1"]);
      assert.match(String(h["sluice.error"]), /invalid JSON/);
    } finally {
      await dlqReader.close?.();
    }

    // Through the engine under the dead-letter policy: the dead letter names topic[partition] and offset.
    const env = StreamEnvironment.create().setErrorPolicy("dead-letter");
    const out = sinks.collect<{ ok: number }>();
    const dead = sinks.collect<DeadLetter>();
    env.fromSource(kafkaSource<{ ok: number }>({ brokers: [bootstrap], topics: [bad], bounded: true })).sinkTo(out);
    env.deadLetters().sinkTo(dead);
    await env.execute("dlq").wait();
    assert.equal(out.values.length, 3);
    assert.deepEqual(
      dead.values.map((d) => [d.source, d.offset]),
      [[`${bad}[1]`, 1]],
    );
  });

  test("an unreachable broker is reported as retrying, not as an error or silence", async () => {
    const statuses: string[] = [];
    // Port 1 on loopback: nothing listens there, so connecting fails at once.
    const reader = kafkaSource({ brokers: ["127.0.0.1:1"], topics: [topic], onStatus: (_, s) => statuses.push(s.state) }).createReader(readerContext());
    try {
      const poll = await reader.poll(10);
      assert.deepEqual(poll.values, []);
      assert.ok(poll.retryAt !== undefined, "asks to be polled again later");
      assert.deepEqual(statuses, ["retrying"]);
    } finally {
      await reader.close?.();
    }
  });
});
