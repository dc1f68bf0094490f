/**
 * Round trip against a real broker (version from SLUICE_KAFKA_VERSION) and real DuckDB: records
 * with event timestamps (Kafka record time, some out of order) → event-time tumbling windows,
 * count and sum per key → exactly-once Kafka sink. A read_committed reader of the output topic must
 * see exactly the rows DuckDB's GROUP BY computes over the same records: every (key, window) once,
 * with the same count and sum.
 */
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { StreamEnvironment } from "../../engine/src/api/StreamEnvironment.js";
import { rngFor } from "../../engine/src/connectors/datagen/random.js";
import { SqlDatabase } from "../../engine/src/connectors/duckdb/SqlDatabase.js";
import type { OutgoingRecord } from "../../engine/src/connectors/kafka/KafkaClient.js";
import { KafkajsClient } from "../../engine/src/connectors/kafka/KafkajsClient.js";
import { kafkaSink } from "../../engine/src/connectors/kafka/KafkaSink.js";
import { kafkaSource } from "../../engine/src/connectors/kafka/KafkaSource.js";
import { WatermarkStrategy } from "../../engine/src/time/WatermarkStrategy.js";
import { Aggregators } from "../../engine/src/windows/AggregateFunction.js";
import { TumblingEventTimeWindows } from "../../engine/src/windows/WindowAssigner.js";
import { ensureBroker, kafkaTestsOff, kafkaVersion, readCommitted, stopIfStartedHere, uniqueTopic } from "./kafkaBroker.js";

const N = 20_000;
const KEYS = 12;
const PARTITIONS = 3;
const WINDOW_MS = 1_000;
/** Every 5th record is up to this much older than its predecessors; the watermark bound covers it. */
const MAX_DISORDER_MS = 1_500;
const BOUND_MS = 2_000;
const BASE_TS = 1_700_000_000_000;

interface Sale {
  key: string;
  amount: number;
}
interface WindowRow {
  key: string;
  start: number;
  n: number;
  total: number;
}

describe(`Kafka round trip vs DuckDB (Kafka ${kafkaVersion})`, { skip: kafkaTestsOff && "SLUICE_KAFKA_TESTS=off" }, () => {
  let bootstrap: string;
  let client: KafkajsClient;
  let db: SqlDatabase;
  let input: string;
  /** DuckDB's answer over the produced records, ordered by key and window start. */
  let expected: WindowRow[];

  before(async () => {
    bootstrap = await ensureBroker();
    client = KafkajsClient.create({ brokers: [bootstrap] });
    db = await SqlDatabase.open(":memory:");
    input = uniqueTopic("rt-in");
    await client.createTopics([{ topic: input, partitions: PARTITIONS }]);

    // Keyed records: the default partitioner keeps each key in one partition, in production order.
    const rows: { key: string; ts: number; amount: number }[] = [];
    const records: OutgoingRecord[] = [];
    for (let i = 0; i < N; i++) {
      const r = rngFor(6, i);
      const key = `k${Math.floor(r() * KEYS)}`;
      const disorder = i % 5 === 4 ? Math.floor(r() * (MAX_DISORDER_MS + 1)) : 0;
      const ts = BASE_TS + i * 5 - disorder;
      const amount = Math.floor(r() * 1_000) - 200;
      rows.push({ key, ts, amount });
      records.push({ topic: input, key, timestamp: ts, value: JSON.stringify({ key, amount } satisfies Sale) });
    }
    assert.ok(
      rows.some((r, i) => i > 0 && r.ts < rows[i - 1]!.ts),
      "the input has out-of-order timestamps",
    );
    const producer = await client.openProducer({ idempotent: true });
    try {
      for (let i = 0; i < N; i += 5_000) await producer.send(records.slice(i, i + 5_000));
    } finally {
      await producer.close();
    }

    await db.run("create or replace table sales(key varchar, ts bigint, amount integer)");
    for (let i = 0; i < N; i += 5_000) {
      await db.run(
        `insert into sales values ${rows
          .slice(i, i + 5_000)
          .map((r) => `('${r.key}', ${r.ts}, ${r.amount})`)
          .join(",")}`,
      );
    }
    expected = (await db.run(`select key, (ts // ${WINDOW_MS}) * ${WINDOW_MS} as start, count(*) as n, sum(amount) as total from sales group by all order by key, start`)).values.map((r) => ({
      key: String(r.key),
      start: Number(r.start),
      n: Number(r.n),
      total: Number(r.total),
    }));
    assert.ok(expected.length > KEYS * 50, "many windows per key");
  });

  after(async () => {
    db?.close();
    await client?.close();
    await stopIfStartedHere();
  });

  async function roundTrip(sourceParallelism: number): Promise<void> {
    const output = uniqueTopic("rt-out");
    await client.createTopics([{ topic: output, partitions: PARTITIONS }]);
    const dir = await mkdtemp(join(tmpdir(), "sluice-roundtrip-"));
    const env = StreamEnvironment.create({ parallelism: PARTITIONS }).enableCheckpointing({ directory: dir, interval: 100 });
    env
      // No timestamp assigner: the Kafka record timestamp is the event time.
      .fromSource(kafkaSource<Sale>({ brokers: [bootstrap], topics: [input], bounded: true }), WatermarkStrategy.forBoundedOutOfOrderness<Sale>(BOUND_MS))
      .setParallelism(sourceParallelism)
      .keyBy((s) => s.key)
      .window(TumblingEventTimeWindows.of(WINDOW_MS))
      .aggregateWithWindow(Aggregators.stats<Sale>((s) => s.amount))
      .map((w): WindowRow => ({ key: w.key, start: w.start, n: w.value.count, total: w.value.sum }))
      .sinkTo(kafkaSink<WindowRow>({ brokers: [bootstrap], topic: output, guarantee: "exactly-once", transactionalIdPrefix: uniqueTopic("rt-txn"), key: (w) => w.key }));
    const result = await env.execute("kafka-round-trip").wait();
    await rm(dir, { recursive: true, force: true });
    const dropped = result.metrics.operators.reduce((sum, o) => sum + o.lateRecordsDropped, 0);
    const got = await readCommitted<WindowRow>(bootstrap, output, expected.length);

    const order = (a: WindowRow, b: WindowRow) => a.key.localeCompare(b.key) || a.start - b.start;
    const actual = [...got].sort(order);
    const line = (r: WindowRow) => `${r.key}@${r.start}: n=${r.n} total=${r.total}`;
    const want = new Set(expected.map(line));
    const have = actual.map(line);
    const diff = [...have.filter((l) => !want.has(l)).map((l) => `+ ${l}`), ...[...want].filter((l) => !have.includes(l)).map((l) => `- ${l}`)];
    process.stdout.write(
      `# round trip (source parallelism ${sourceParallelism}): records=${N} windows=${expected.length} output=${got.length} late=${dropped} checkpoints=${result.metrics.checkpoints.completed} diff=${diff.length === 0 ? "(empty)" : diff.slice(0, 20).join("; ")}\n`,
    );
    assert.equal(dropped, 0, "no record was late for the watermark (the bound covers the disorder within a partition)");
    assert.deepEqual(actual, expected, "every (key, window) exactly once, with DuckDB's count and sum");
  }

  test("Kafka → event-time tumbling count/sum per key → exactly-once Kafka: read_committed output equals DuckDB's GROUP BY", { timeout: 180_000 }, async () => {
    await roundTrip(PARTITIONS); // one partition per source subtask
  });

  test("the same with one source subtask reading all partitions: per-partition watermarks keep every record on time", { timeout: 180_000 }, async () => {
    await roundTrip(1);
  });
});
