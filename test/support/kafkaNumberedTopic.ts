/**
 * The topic the Kafka source tests read, on either client (kafkaSource.test.ts on kafkajs,
 * kafkaPlatformaticClient.test.ts on @platformatic/kafka): N numbered records, record i in partition
 * i % 3 with timestamp BASE_TS + i and header n = i, so its offset must be floor(i / 3).
 */
import assert from "node:assert/strict";
import type { KafkaClient, KafkaRecord, OutgoingRecord } from "../../engine/src/connectors/kafka/KafkaClient.js";

export const N = 3_000;
export const PARTITIONS = 3;
export const BASE_TS = 1_700_000_000_000;

export interface Row {
  i: number;
  partition: number;
  offset: number;
  timestamp: number;
}

/** A record of the topic as the tests compare it. */
export const rows = (r: KafkaRecord): Row => ({ i: (JSON.parse(r.value!.toString()) as { i: number }).i, partition: r.partition, offset: r.offset, timestamp: r.timestamp });

/** Creates `topic` and writes its N records. */
export async function produceNumbered(client: KafkaClient, topic: string): Promise<void> {
  await client.createTopics([{ topic, partitions: PARTITIONS }]);
  const producer = await client.openProducer({ idempotent: true });
  const records: OutgoingRecord[] = [];
  for (let i = 0; i < N; i++) records.push({ topic, partition: i % PARTITIONS, timestamp: BASE_TS + i, key: `k${i}`, value: JSON.stringify({ i }), headers: { n: String(i) } });
  for (let from = 0; from < N; from += 1_000) await producer.send(records.slice(from, from + 1_000));
  await producer.close();
}

/** Every record once, each with its partition, offset and timestamp, and each partition's in offset order. */
export function assertNumbered(values: readonly Row[]): void {
  assert.equal(values.length, N, "record count");
  assert.equal(new Set(values.map((v) => v.i)).size, N, "no duplicates");
  for (const v of values) {
    assert.equal(v.partition, v.i % PARTITIONS, `partition of record ${v.i}`);
    assert.equal(v.offset, Math.floor(v.i / PARTITIONS), `offset of record ${v.i}`);
    assert.equal(v.timestamp, BASE_TS + v.i, `timestamp of record ${v.i}`);
  }
  for (let p = 0; p < PARTITIONS; p++) {
    const offsets = values.filter((v) => v.partition === p).map((v) => v.offset);
    assert.deepEqual(
      offsets,
      [...offsets].sort((a, b) => a - b),
      `offset order in partition ${p}`,
    );
  }
}
