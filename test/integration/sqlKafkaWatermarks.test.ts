/**
 * The `kafka` SQL connector's watermark, per partition as Flink's, against a real broker and, as the
 * oracle, Flink 1.20's own SQL engine reading the same topic (test/flink-sql's MiniCluster JVM with
 * flink-connector-kafka: the Kafka oracle mode). Partition 0 runs ten seconds of event time ahead
 * of partition 1, each in order: Flink's KafkaSource makes a watermark per partition and emits the
 * minimum, so no row is late and every TUMBLE window counts all of its rows. A watermark made once
 * per source subtask jumps with partition 0 and drops partition 1's rows as late.
 *
 *   node --test --test-force-exit dist/test/integration/sqlKafkaWatermarks.test.js
 *
 * SLUICE_FLINK_ORACLE=off leaves Flink out (the expected counts are still checked); the broker is
 * scripts/kafka.sh's (SLUICE_KAFKA_VERSION, default 3.9.2).
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { OutgoingRecord } from "../../engine/src/connectors/kafka/KafkaClient.js";
import { SqlSession } from "../../engine/src/sql/SqlSession.js";
import { MIN_WATERMARK } from "../../engine/src/time/Watermark.js";
import { runSluice } from "../flink-sql/oracle.js";
import { assertFlinkRows, BASE, createKeptTopic, rowsOf, sendRecords, timestampText } from "../support/kafkaSqlOracle.js";
import { connectToBroker, kafkaTestsOff, kafkaVersion, uniqueTopic, type BrokerConnection } from "./kafkaBroker.js";

/** A row every 10 ms of event time, per partition [from, to), into a (new: `create`) 2-partition topic kept forever (its timestamps are years old). */
async function fill(broker: BrokerConnection, topic: string, ranges: { partition: number; from: number; to: number }[], create = true): Promise<number> {
  if (create) await createKeptTopic(broker, topic);
  const records: OutgoingRecord[] = [];
  for (const { partition, from, to } of ranges)
    for (let t = from; t < to; t += 10) records.push({ topic, partition, timestamp: BASE + t, value: JSON.stringify({ p: partition, t, ts: timestampText(t), tstext: timestampText(t) }) });
  await sendRecords(broker, records);
  return records.length;
}

function table(broker: BrokerConnection, topic: string, columns: string, extra: Record<string, string> = {}): string {
  const options = {
    connector: "kafka",
    topic,
    "properties.bootstrap.servers": broker.bootstrap,
    "properties.group.id": `wm-${topic}`,
    "scan.startup.mode": "earliest-offset",
    format: "json",
    ...extra,
  };
  return `CREATE TABLE ticks (${columns}) WITH (${Object.entries(options)
    .map(([k, v]) => `'${k}' = '${v}'`)
    .join(", ")});`;
}

const TUMBLE_COUNT = "SELECT window_start, COUNT(*) AS n FROM TABLE(TUMBLE(TABLE ticks, DESCRIPTOR(ts), INTERVAL '1' SECOND)) GROUP BY window_start, window_end;";

/** Rows as the oracle folds them: JSON arrays, sorted. */
function windows(counts: [number, number][]): string[] {
  return counts.map(([start, n]) => JSON.stringify([timestampText(start), n])).sort();
}

describe(`kafka SQL watermarks per partition (Kafka ${kafkaVersion})`, { skip: kafkaTestsOff && "SLUICE_KAFKA_TESTS=off" }, () => {
  const broker = connectToBroker();

  test("a partition ahead in event time does not make the other's rows late (a physical and a computed rowtime): the same windows as Flink", { timeout: 240_000 }, async () => {
    const topic = uniqueTopic("sql-wm");
    // Partition 0 holds [10 s, 20 s) and is written first; partition 1 holds [0 s, 10 s).
    await fill(broker, topic, [
      { partition: 0, from: 10_000, to: 20_000 },
      { partition: 1, from: 0, to: 10_000 },
    ]);
    // The computed rowtime is evaluated in the source, before the watermark. Flink runs both scripts in one JVM.
    const scripts = [
      ["physical", "p INT, t BIGINT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts"],
      ["computed", "p INT, t BIGINT, tstext STRING, ts AS CAST(tstext AS TIMESTAMP(3)), WATERMARK FOR ts AS ts"],
    ].map(([kind, columns]) => ({ kind: kind as string, sql: `${table(broker, topic, columns as string, { "scan.bounded.mode": "latest-offset" })}\n${TUMBLE_COUNT}\n` }));
    const expected = windows(Array.from({ length: 20 }, (_, w) => [w * 1_000, 100]));
    assertFlinkRows(scripts.map(({ kind, sql }) => ({ name: `${kind} rowtime`, sql, expected })));
    for (const { kind, sql } of scripts) {
      const sluice = await runSluice(sql);
      assert.deepEqual(rowsOf(sluice), expected, `Sluice's result (${kind} rowtime)`);
    }
  });

  test("table.exec.source.idle-timeout and scan.watermark.idle-timeout: a partition without records stops holding event time back, as in Flink", { timeout: 120_000 }, async () => {
    const topic = uniqueTopic("sql-idle");
    const total = await fill(broker, topic, [{ partition: 0, from: 0, to: 5_000 }]); // partition 1 gets nothing
    const columns = "p INT, t BIGINT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts";
    /** `idle`: the session's SET option; `own`: the table's `scan.watermark.idle-timeout`, which wins over it. */
    const run = async (idle: string | undefined, own?: string) => {
      const session = new SqlSession();
      await session.execute(table(broker, topic, columns, own === undefined ? {} : { "scan.watermark.idle-timeout": own }));
      if (idle !== undefined) await session.execute(`SET 'table.exec.source.idle-timeout' = '${idle}';`);
      const [result] = await session.execute(TUMBLE_COUNT);
      assert.equal(result?.kind, "job");
      if (result?.kind !== "job") throw new Error("not a job");
      const source = () => result.job.metrics().operators.find((o) => o.kind === "source")!;
      return { result, source };
    };
    const until = async (condition: () => boolean) => {
      while (!condition()) await new Promise((r) => setTimeout(r, 20));
    };

    const held = await run(undefined);
    try {
      await until(() => held.source().recordsIn === total);
      // Records read, several periodic emissions later: partition 1 has no watermark, so none goes out.
      await new Promise((r) => setTimeout(r, 1_000));
      assert.equal(held.source().watermark, MIN_WATERMARK, "without the option an empty partition holds event time back");
      assert.deepEqual(held.result.rows, []);
    } finally {
      await held.result.job.cancel();
    }

    const idle = await run("500 ms");
    try {
      await until(() => idle.source().recordsIn === total);
      // Both partitions go idle (partition 0's watermark with them: no combined one went out, as in
      // Flink's CombinedWatermarkStatus); new records make partition 0 active again, alone.
      const splits = () => idle.source().sourceWatermarks?.[0]?.splits ?? [];
      await until(() => splits().some((s) => s.split === `${topic}[1]` && s.idle));
      const more = await fill(broker, topic, [{ partition: 0, from: 5_000, to: 6_000 }], false);
      await until(() => idle.result.rows.length >= 5);
      assert.equal(idle.source().recordsIn, total + more);
      assert.equal(idle.source().watermark, BASE + 5_990, "partition 0's watermark alone");
      assert.deepEqual(
        idle.result.rows.map((r) => r[1]),
        [100, 100, 100, 100, 100],
        "the windows before partition 0's last one fire while the job runs",
      );
    } finally {
      await idle.result.job.cancel();
    }

    // The table's option over the session's: '0' would turn it off, '500 ms' turns it on.
    const own = await run("0 ms", "500 ms");
    try {
      await until(() => own.source().recordsIn === total + 100);
      const splits = () => own.source().sourceWatermarks?.[0]?.splits ?? [];
      await until(() => splits().some((s) => s.split === `${topic}[1]` && s.idle));
      await fill(broker, topic, [{ partition: 0, from: 6_000, to: 7_000 }], false);
      await until(() => own.result.rows.length >= 6);
      assert.equal(own.source().watermark, BASE + 6_990);
    } finally {
      await own.result.job.cancel();
    }
  });
});
