/**
 * The Kafka connector on @platformatic/kafka (`PlatformaticClient`) instead of kafkajs, against a
 * real broker (version from SLUICE_KAFKA_VERSION), no mocks: the source (bounded and unbounded
 * reads, restore from checkpointed positions, read_committed skipping aborted transactions, group
 * offsets) and the sink (at-least-once, exactly-once two-phase commit, fencing, recovery of a
 * prepared transaction from its producer id/epoch). Runs on Node 20 through the polyfill in
 * engine/src/connectors/kafka/platformatic/polyfill.ts.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { StreamEnvironment } from "../../engine/src/api/StreamEnvironment.js";
import type { KafkaRecord, OutgoingRecord } from "../../engine/src/connectors/kafka/KafkaClient.js";
import { KafkajsClient } from "../../engine/src/connectors/kafka/KafkajsClient.js";
import { kafkaSink } from "../../engine/src/connectors/kafka/KafkaSink.js";
import { kafkaSource } from "../../engine/src/connectors/kafka/KafkaSource.js";
import { PlatformaticClient } from "../../engine/src/connectors/kafka/platformatic/PlatformaticClient.js";
import type { TransactionalKafkaWriter } from "../../engine/src/connectors/kafka/TransactionalKafkaWriter.js";
import { assertNumbered, N, produceNumbered, type Row, rows } from "../support/kafkaNumberedTopic.js";
import { boundedJob, restoreTwoToOne, startFromTimestamp } from "../support/kafkaSourceScenarios.js";
import { commitAbortAndLeaveOpen, countBy, fenceCrashedWriter, type Item, items, times } from "../support/kafkaSinkScenarios.js";
import { ensureBroker, kafkaTestsOff, kafkaVersion, readAtLeast, readerContext, readToEnd, stopIfStartedHere, uniqueTopic } from "./kafkaBroker.js";

describe(`Kafka connector on @platformatic/kafka against Kafka ${kafkaVersion}`, { skip: kafkaTestsOff && "SLUICE_KAFKA_TESTS=off" }, () => {
  let bootstrap: string;
  let client: PlatformaticClient;
  let topic: string;

  before(async () => {
    bootstrap = await ensureBroker();
    client = PlatformaticClient.create({ brokers: [bootstrap] });
    topic = uniqueTopic("pk-src");
    await produceNumbered(client, topic);
  });

  after(async () => {
    await client?.close();
    await stopIfStartedHere();
  });

  async function readTopic<T>(name: string, isolation: "read_committed" | "read_uncommitted", deserializer?: (r: KafkaRecord) => T): Promise<T[]> {
    const reader = kafkaSource<T>({ client, topics: [name], bounded: true, isolation, ...(deserializer ? { deserializer } : {}) }).createReader(readerContext());
    try {
      return (await readToEnd(reader)).values;
    } finally {
      await reader.close?.();
    }
  }

  /** read_committed right after a commit may end before the markers are written (the last stable offset lags): read again until `count`. */
  async function readCommitted<T>(name: string, count: number): Promise<T[]> {
    for (let attempt = 1; ; attempt++) {
      const values = await readTopic<T>(name, "read_committed");
      if (values.length >= count || attempt >= 50) return values;
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  test("source: a bounded read gives exactly the produced records with partitions, offsets, timestamps and headers", async () => {
    let headersChecked = 0;
    const values = await readTopic<Row>(topic, "read_committed", (r) => {
      const row = rows(r);
      if (String(r.headers.n) === String(row.i)) headersChecked++;
      return row;
    });
    assertNumbered(values);
    assert.equal(headersChecked, N, "headers round-trip");
  });

  test("source through the engine: a bounded source (parallelism 2) feeds a job that ends", () => boundedJob({ client }, topic));

  test("source: an unbounded read sees records written after it started, each once", async () => {
    const live = uniqueTopic("pk-live");
    await client.createTopics([{ topic: live, partitions: 2 }]);
    const reader = kafkaSource<{ i: number }>({ client, topics: [live], startFrom: "latest" }).createReader(readerContext());
    try {
      assert.deepEqual((await reader.poll(100)).values, [], "nothing yet (connects, starts at the end)");
      const producer = await client.openProducer({ idempotent: true });
      await producer.send(Array.from({ length: 500 }, (_, i) => ({ topic: live, key: `k${i}`, value: JSON.stringify({ i }) })));
      const first = await readAtLeast(reader, 500);
      await producer.send(Array.from({ length: 100 }, (_, i) => ({ topic: live, key: `k${i}`, value: JSON.stringify({ i: 500 + i }) })));
      await producer.close();
      const second = await readAtLeast(reader, 100);
      const all = [...first, ...second].map((v) => v.i).sort((a, b) => a - b);
      assert.deepEqual(
        all,
        Array.from({ length: 600 }, (_, i) => i),
      );
    } finally {
      await reader.close?.();
    }
  });

  test("source: restore from snapshotted positions (2 subtasks -> 1) continues without loss or duplicates", () => restoreTwoToOne({ client }, topic));

  test("source: startFrom a timestamp reads exactly the records at or after it", () => startFromTimestamp({ client }, topic));

  test("group offsets: committed without joining the group, then startFrom committed resumes there", async () => {
    const group = uniqueTopic("pk-group");
    await client.commitOffsets(
      group,
      [0, 1, 2].map((partition) => ({ topic, partition, offset: 900 })),
    );
    const committed = (await client.committedOffsets(group, [topic])).sort((a, b) => a.partition - b.partition);
    assert.deepEqual(
      committed,
      [0, 1, 2].map((partition) => ({ topic, partition, offset: 900 })),
    );
    const reader = kafkaSource<Row>({ client, topics: [topic], bounded: true, startFrom: "committed", groupId: group, commitOffsetsOnCheckpoint: false, deserializer: rows }).createReader(
      readerContext(),
    );
    try {
      const { values } = await readToEnd(reader);
      assert.deepEqual(
        values.map((v) => v.i).sort((a, b) => a - b),
        Array.from({ length: N - 2_700 }, (_, k) => 2_700 + k),
      );
    } finally {
      await reader.close?.();
    }
  });

  test("source read_committed: interleaved transactions aborted out of order stay invisible", async () => {
    const name = uniqueTopic("pk-interleaved");
    await client.createTopics([{ topic: name, partitions: 1 }]);
    const [a, b, c] = await Promise.all(["a", "b", "c"].map((p) => client.openProducer({ transactionalId: uniqueTopic(`pk-txn-${p}`), idempotent: true })));
    const record = (value: string): OutgoingRecord[] => [{ topic: name, partition: 0, value: JSON.stringify({ id: 0, batch: value }) }];
    try {
      const ta = await a!.beginTransaction();
      await ta.send(record("a1"));
      const tb = await b!.beginTransaction();
      await tb.send(record("b1"));
      await tb.abort(); // B is listed first among the aborted transactions, though A started earlier
      await ta.send(record("a2"));
      await ta.abort();
      const tc = await c!.beginTransaction();
      await tc.send(record("c1"));
      await tc.commit();
    } finally {
      await Promise.all([a!.close(), b!.close(), c!.close()]);
    }
    assert.deepEqual(
      (await readCommitted<Item>(name, 1)).map((v) => v.batch),
      ["c1"],
    );
    assert.deepEqual(
      (await readTopic<Item>(name, "read_uncommitted")).map((v) => v.batch),
      ["a1", "b1", "a2", "c1"],
    );
  });

  test("source read_committed: an aborted transaction larger than one fetch, and two aborted ones of a producer in one fetch (the library's own filter lets both through)", async () => {
    const name = uniqueTopic("pk-aborts");
    await client.createTopics([{ topic: name, partitions: 1 }]);
    const producer = await client.openProducer({ transactionalId: uniqueTopic("pk-txn"), idempotent: true });
    const pad = "x".repeat(1_000);
    const batch = (label: string, n: number): OutgoingRecord[] => Array.from({ length: n }, (_, id) => ({ topic: name, partition: 0, value: JSON.stringify({ id, batch: label, pad }) }));
    try {
      // ~3 MB: its records arrive over several 1 MiB fetches, its abort marker only in the last.
      let t = await producer.beginTransaction();
      // In sends of 200: one send is one record batch per partition, which must stay below the broker's 1 MB message limit.
      for (let k = 0; k < 15; k++) await t.send(batch("big-aborted", 200));
      await t.abort();
      for (const [label, commit] of [
        ["small-aborted-1", false],
        ["small-committed", true],
        ["small-aborted-2", false],
      ] as const) {
        t = await producer.beginTransaction();
        await t.send(batch(label, 10));
        await (commit ? t.commit() : t.abort());
      }
    } finally {
      await producer.close();
    }
    assert.deepEqual(countBy(await readCommitted<Item>(name, 10)), { "small-committed": 10 });
    assert.deepEqual(countBy(await readTopic<Item>(name, "read_uncommitted")), { "big-aborted": 3_000, "small-aborted-1": 10, "small-committed": 10, "small-aborted-2": 10 });
  });

  test("sink at-least-once: every acknowledged record is in the topic, keys on the partitions kafkajs (and Java) choose", async () => {
    const name = uniqueTopic("pk-alo");
    const viaKafkajs = uniqueTopic("pk-alo-kafkajs");
    await client.createTopics([
      { topic: name, partitions: 5 },
      { topic: viaKafkajs, partitions: 5 },
    ]);
    const writer = kafkaSink<Item>({ client, topic: name, key: (v) => `${v.batch}-${v.id}` }).createWriter({ jobName: "t", subtask: 0, parallelism: 1 });
    try {
      await writer.open?.();
      await writer.write(items("a", 500), times(500));
      await writer.write(items("b", 500), times(500));
    } finally {
      await writer.close?.();
    }
    const kafkajs = KafkajsClient.create({ brokers: [bootstrap] });
    try {
      const producer = await kafkajs.openProducer({ idempotent: true });
      await producer.send([...items("a", 500), ...items("b", 500)].map((v) => ({ topic: viaKafkajs, key: `${v.batch}-${v.id}`, value: JSON.stringify(v) })));
      await producer.close();
    } finally {
      await kafkajs.close();
    }
    const placed = async (t: string) => new Map(await readTopic(t, "read_uncommitted", (r) => [r.key!.toString(), r.partition] as const));
    const ours = await placed(name);
    assert.equal(ours.size, 1_000, "every record once");
    assert.deepEqual([...ours].sort(), [...(await placed(viaKafkajs))].sort(), "same key -> same partition as kafkajs");
  });

  test("sink exactly-once: committed transactions appear once, aborted and open ones are invisible to read_committed", async () => {
    const name = uniqueTopic("pk-eos");
    await client.createTopics([{ topic: name, partitions: 3 }]);
    const sink = kafkaSink<Item>({ client, topic: name, guarantee: "exactly-once", transactionalIdPrefix: uniqueTopic("pk-txn"), key: (v) => String(v.id) });
    await commitAbortAndLeaveOpen(sink, (writer) => assert.equal(writer.commitBeforeCheckpointPublished, false, "PlatformaticClient resumes prepared transactions (commitPrepared)"));
    const committed = await readCommitted<Item>(name, 400);
    assert.deepEqual(countBy(committed), { "committed-1": 300, "committed-3": 100 });
    assert.equal(new Set(committed.map((r) => `${r.batch}/${r.id}`)).size, committed.length, "no duplicates");
    // The aborted records did reach the log: a read_uncommitted reader sees them, so the check above can fail.
    assert.deepEqual(countBy(await readTopic<Item>(name, "read_uncommitted")), { "committed-1": 300, aborted: 200, "committed-3": 100, "open-at-close": 50 });
  });

  test("sink exactly-once: a restarted writer with the same transactional id fences the crashed one and aborts its open transaction", async () => {
    const name = uniqueTopic("pk-fence");
    await client.createTopics([{ topic: name, partitions: 1 }]);
    const sink = kafkaSink<Item>({ client, topic: name, guarantee: "exactly-once", transactionalIdPrefix: uniqueTopic("pk-txn") });
    await fenceCrashedWriter(sink);
    assert.deepEqual(countBy(await readCommitted<Item>(name, 100)), { "after-restart": 100 });
  });

  test("producer: a fenced transactional producer stays dead instead of re-registering its id (which would fence the newer one)", async () => {
    const name = uniqueTopic("pk-zombie");
    await client.createTopics([{ topic: name, partitions: 1 }]);
    const transactionalId = uniqueTopic("pk-txn");
    const zombie = await client.openProducer({ transactionalId, idempotent: true });
    const fresh = await client.openProducer({ transactionalId, idempotent: true });
    const record = (batch: string): OutgoingRecord[] => [{ topic: name, partition: 0, value: JSON.stringify({ id: 0, batch }) }];
    try {
      await zombie.initTransactions!();
      const old = await zombie.beginTransaction();
      await old.send(record("zombie-open"));
      await fresh.initTransactions!(); // fences `zombie`, aborts its open transaction
      await assert.rejects(old.commit(), /PRODUCER_FENCED|INVALID_PRODUCER_EPOCH/);
      await assert.rejects(zombie.beginTransaction(), /fenced/);
      const t = await fresh.beginTransaction();
      await t.send(record("fresh"));
      await t.commit(); // still the owner of the id
    } finally {
      await Promise.all([zombie.close(), fresh.close()]);
    }
    assert.deepEqual(
      (await readCommitted<Item>(name, 1)).map((v) => v.batch),
      ["fresh"],
    );
  });

  test("sink exactly-once: a restored writer commits the transaction a crashed run prepared (resumed producer id/epoch), once", async () => {
    const name = uniqueTopic("pk-resume");
    await client.createTopics([{ topic: name, partitions: 2 }]);
    const sink = kafkaSink<Item>({ client, topic: name, guarantee: "exactly-once", transactionalIdPrefix: uniqueTopic("pk-txn"), key: (v) => String(v.id) });
    const ctx = { jobName: "t", subtask: 0, parallelism: 1 };
    const crashed = sink.createWriter(ctx) as TransactionalKafkaWriter<Item>;
    await crashed.open();
    await crashed.write(items("prepared", 100), times(100));
    const committable = crashed.prepareCommit(5);
    // The checkpoint is durable; the run dies before commit(5). Restore twice (a crash right after the first recovery).
    for (const attempt of [1, 2]) {
      const restored = sink.createWriter(ctx) as TransactionalKafkaWriter<Item>;
      await restored.recoverCommittables([committable]);
      await restored.open();
      await restored.close();
      assert.deepEqual(countBy(await readCommitted<Item>(name, 100)), { prepared: 100 }, `attempt ${attempt}: committed once`);
    }
    await crashed.close().catch(() => undefined); // fenced
  });

  test("sink exactly-once: a transaction open longer than the library's default 5 s timeout is not aborted by the broker", async () => {
    const name = uniqueTopic("pk-slow");
    await client.createTopics([{ topic: name, partitions: 1 }]);
    const writer = kafkaSink<Item>({ client, topic: name, guarantee: "exactly-once", transactionalIdPrefix: uniqueTopic("pk-txn") }).createWriter({
      jobName: "t",
      subtask: 0,
      parallelism: 1,
    }) as TransactionalKafkaWriter<Item>;
    try {
      await writer.open();
      await writer.write(items("slow", 10), times(10));
      // The broker aborts a transaction after its timeout (checked about every 10 s): wait past 5 s and a check.
      await new Promise((r) => setTimeout(r, 12_000));
      writer.prepareCommit(1);
      await writer.commit(1);
    } finally {
      await writer.close();
    }
    assert.deepEqual(countBy(await readCommitted<Item>(name, 10)), { slow: 10 });
  });

  test("an unreachable broker is reported as retrying, not as an error or silence", async () => {
    const statuses: string[] = [];
    const unreachable = PlatformaticClient.create({ brokers: ["127.0.0.1:1"] });
    const reader = kafkaSource({ client: unreachable, topics: [topic], onStatus: (_, st) => statuses.push(st.state) }).createReader(readerContext());
    try {
      const poll = await reader.poll(10);
      assert.deepEqual(poll.values, []);
      assert.ok(poll.retryAt !== undefined, "asks to be polled again later");
      assert.deepEqual(statuses, ["retrying"]);
    } finally {
      await reader.close?.();
      await unreachable.close();
    }
  });

  test('through the engine, chosen by name (`library: "platformatic"`, only `brokers`): Kafka -> job -> exactly-once Kafka sink', async () => {
    const input = uniqueTopic("pk-in");
    const output = uniqueTopic("pk-out");
    await client.createTopics([
      { topic: input, partitions: 2 },
      { topic: output, partitions: 2 },
    ]);
    const producer = await client.openProducer({ idempotent: true });
    await producer.send(Array.from({ length: 1_000 }, (_, id) => ({ topic: input, key: String(id), value: JSON.stringify({ id, batch: "in" }) })));
    await producer.close();
    const env = StreamEnvironment.create({ parallelism: 2 });
    env
      .fromSource(kafkaSource<Item>({ brokers: [bootstrap], library: "platformatic", topics: [input], bounded: true }))
      .map((v) => ({ id: v.id * 2, batch: "out" }))
      .sinkTo(kafkaSink<Item>({ brokers: [bootstrap], library: "platformatic", topic: output, guarantee: "exactly-once", transactionalIdPrefix: uniqueTopic("pk-job"), key: (v) => String(v.id) }));
    await env.execute("kafka-to-kafka-platformatic").wait();
    const out = await readCommitted<Item>(output, 1_000);
    assert.deepEqual(
      out.map((r) => r.id).sort((a, b) => a - b),
      Array.from({ length: 1_000 }, (_, id) => id * 2),
    );
  });
});
