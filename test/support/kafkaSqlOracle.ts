/**
 * What the Kafka SQL tests checked against Flink 1.20's own SQL engine reading the same topics share
 * (test/integration's sqlKafkaWatermarks, sqlUpsertKafkaWatermark, sqlKafkaParseErrors): event time
 * counted from one base and written as Flink's formats read a TIMESTAMP(3), a topic whose old records
 * stay, records written in one go, and each script's result from Flink (test/flink-sql's MiniCluster JVM
 * with flink-connector-kafka) — left out under SLUICE_FLINK_ORACLE=off, where the tests still check
 * Sluice against the rows they expect.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { OutgoingRecord } from "../../engine/src/connectors/kafka/KafkaClient.js";
import { type Result, runFlink } from "../flink-sql/oracle.js";
import type { BrokerConnection } from "../integration/kafkaBroker.js";

export const flinkOracleOff = process.env.SLUICE_FLINK_ORACLE === "off";

/** Event time 0 of these tests: 2024-01-01T00:00:00Z. */
export const BASE = Date.parse("2024-01-01T00:00:00Z");

/** `2024-01-01 00:00:SS.mmm` for `ms` after BASE, as Flink's formats read and the oracle prints a TIMESTAMP(3). */
export function timestampText(ms: number): string {
  return new Date(BASE + ms).toISOString().replace("T", " ").replace("Z", "");
}

/** A new topic of `partitions` partitions whose records are never deleted for their age (their timestamps are years old). */
export async function createKeptTopic(broker: BrokerConnection, topic: string, partitions = 2): Promise<void> {
  await broker.client.createTopics([{ topic, partitions, config: { "retention.ms": "-1" } }]);
}

/** Writes `records` through one idempotent producer, closed after. */
export async function sendRecords(broker: BrokerConnection, records: OutgoingRecord[]): Promise<void> {
  const producer = await broker.client.openProducer({ idempotent: true });
  try {
    await producer.send(records);
  } finally {
    await producer.close();
  }
}

/** A result's rows (JSON arrays, sorted), or the result itself where it is an error, for deepEqual to show. */
export function rowsOf(result: Result | undefined): string[] | Result | undefined {
  return result && "rows" in result ? result.rows : result;
}

/** Checks each script's result on Flink itself (one JVM for all: its start costs more than the queries) against `expected`; nothing under SLUICE_FLINK_ORACLE=off. */
export function assertFlinkRows(scripts: readonly { name: string; sql: string; expected: readonly string[] }[]): void {
  if (flinkOracleOff) return;
  const dir = mkdtempSync(join(tmpdir(), "sluice-kafka-oracle-"));
  try {
    const paths = scripts.map((s) => {
      const path = join(dir, `${s.name}.sql`);
      writeFileSync(path, s.sql);
      return { ...s, path };
    });
    const flink = runFlink(paths, dir);
    for (const { path, name, expected } of paths) assert.deepEqual(rowsOf(flink.get(path)), expected, `Flink's own result (${name})`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
