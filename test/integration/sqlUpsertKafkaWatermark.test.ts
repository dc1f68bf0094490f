/**
 * An `upsert-kafka` table's WATERMARK, against a real broker and, as the oracle, Flink 1.20's own SQL
 * engine reading the same topic (test/flink-sql's MiniCluster JVM with flink-connector-kafka). Flink
 * plans the upsert source with the watermark pushed into it (TableSourceScan(…, watermark=[ts])), one
 * generator per partition, before ChangelogNormalize: the versioned table's event time is the minimum
 * over its partitions. Here partition 0 holds currency A's rates at 10–20 s and partition 1 currency
 * B's at 0–10 s, partition 0 written first; an event-time temporal join of orders against the rates
 * must wait for partition 1 before it joins B's orders. A watermark made once per subtask after the
 * source jumps with partition 0, and B's orders are joined (so, inner, dropped) before B's rates come.
 *
 *   node --test --test-force-exit dist/test/integration/sqlUpsertKafkaWatermark.test.js
 *
 * SLUICE_FLINK_ORACLE=off leaves Flink out (the expected rows are still checked).
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import type { OutgoingRecord } from "../../engine/src/connectors/kafka/KafkaClient.js";
import { runSluice } from "../flink-sql/oracle.js";
import { assertFlinkRows, BASE, createKeptTopic, rowsOf, sendRecords, timestampText } from "../support/kafkaSqlOracle.js";
import { connectToBroker, kafkaTestsOff, kafkaVersion, uniqueTopic } from "./kafkaBroker.js";

describe(`upsert-kafka WATERMARK per partition (Kafka ${kafkaVersion})`, { skip: kafkaTestsOff && "SLUICE_KAFKA_TESTS=off" }, () => {
  const broker = connectToBroker();

  test("an event-time temporal join against an upsert-kafka table waits for its slowest partition: the same rows as Flink", { timeout: 240_000 }, async () => {
    const topic = uniqueTopic("upsert-wm");
    await createKeptTopic(broker, topic);
    // A new version of the currency's rate every second (rate = the second), and a tombstone-free topic kept forever.
    const records: OutgoingRecord[] = [];
    for (const [partition, currency, from] of [
      [0, "A", 10],
      [1, "B", 0],
    ] as const)
      for (let s = from; s < from + 10; s++) {
        const key = JSON.stringify({ currency });
        records.push({ topic, partition, timestamp: BASE + s * 1000, key, value: JSON.stringify({ currency, rate: s, ts: timestampText(s * 1000) }) });
      }
    await sendRecords(broker, records);
    const dir = mkdtempSync(join(tmpdir(), "sluice-upsert-wm-"));
    try {
      // An order per currency every second, half a second after the rate changed.
      const orders = join(dir, "orders.csv");
      const lines: string[] = [];
      for (let s = 0; s < 20; s++) lines.push(`${s},${s < 10 ? "B" : "A"},${timestampText(s * 1000 + 500)}`);
      writeFileSync(orders, `${lines.join("\n")}\n`);
      const sql = `CREATE TABLE orders (id INT, currency STRING, ts TIMESTAMP(3), WATERMARK FOR ts AS ts) WITH ('connector' = 'filesystem', 'path' = '${orders}', 'format' = 'csv');
CREATE TABLE rates (currency STRING, rate INT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts, PRIMARY KEY (currency) NOT ENFORCED) WITH ('connector' = 'upsert-kafka', 'topic' = '${topic}', 'properties.bootstrap.servers' = '${broker.bootstrap}', 'key.format' = 'json', 'value.format' = 'json', 'scan.bounded.mode' = 'latest-offset');
SELECT o.id, o.currency, r.rate FROM orders AS o JOIN rates FOR SYSTEM_TIME AS OF o.ts AS r ON o.currency = r.currency;
`;
      const expected = Array.from({ length: 20 }, (_, s) => JSON.stringify([s, s < 10 ? "B" : "A", s])).sort();
      assertFlinkRows([{ name: "join", sql, expected }]);
      assert.deepEqual(rowsOf(await runSluice(sql)), expected, "Sluice's result");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
