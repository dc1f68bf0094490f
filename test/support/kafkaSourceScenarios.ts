/**
 * The Kafka source's scenarios over the numbered topic (kafkaNumberedTopic.ts), driven the same way
 * through every Kafka client (test/integration's kafkaSource.test.ts with kafkajs from `brokers`,
 * kafkaPlatformaticClient.test.ts with a @platformatic/kafka `client`).
 */
import assert from "node:assert/strict";
import { StreamEnvironment } from "../../engine/src/api/StreamEnvironment.js";
import { kafkaSource } from "../../engine/src/connectors/kafka/KafkaSource.js";
import type { KafkaSourceOptions } from "../../engine/src/connectors/kafka/KafkaSourceOptions.js";
import { mergePositions } from "../../engine/src/connectors/kafka/position.js";
import { readAtLeast, readerContext, readToEnd } from "../integration/kafkaBroker.js";
import { BASE_TS, N, type Row, rows } from "./kafkaNumberedTopic.js";

/** How a source reaches the broker: `{ brokers }` or `{ client }`. */
export type Connection = Pick<KafkaSourceOptions<Row>, "brokers" | "client">;

const numbered = (connection: Connection, topic: string, more: Partial<KafkaSourceOptions<Row>> = {}) =>
  kafkaSource<Row>({ ...connection, topics: [topic], bounded: true, deserializer: rows, ...more });

/** A bounded source at parallelism 2 feeds a job that ends with every record once. */
export async function boundedJob(connection: Connection, topic: string): Promise<void> {
  const env = StreamEnvironment.create({ parallelism: 2 });
  const out = await env.fromSource(numbered(connection, topic)).executeAndCollect();
  assert.equal(out.length, N);
  assert.equal(new Set(out.map((r) => r.i)).size, N);
}

/** Two subtasks read part of the topic and snapshot their positions; one subtask restored from both reads the rest, without loss or duplicates. */
export async function restoreTwoToOne(connection: Connection, topic: string): Promise<void> {
  const source = numbered(connection, topic);
  const first: Row[] = [];
  const positions: unknown[] = [];
  for (const subtask of [0, 1]) {
    const reader = source.createReader(readerContext(subtask, 2));
    try {
      first.push(...(await readAtLeast(reader, 400, 100)));
      positions.push(JSON.parse(JSON.stringify(reader.snapshotPosition!())));
    } finally {
      await reader.close?.();
    }
  }
  assert.ok(first.length >= 800 && first.length < N, `read part of the topic first (${first.length})`);
  const restored = source.createReader(readerContext(0, 1));
  restored.restorePosition!(mergePositions(positions));
  try {
    const all = [...first, ...(await readToEnd(restored)).values];
    assert.equal(all.length, N, "no loss and no duplicates across the restore");
    assert.equal(new Set(all.map((v) => v.i)).size, N);
  } finally {
    await restored.close?.();
  }
}

/** startFrom a timestamp reads exactly the records at or after it. */
export async function startFromTimestamp(connection: Connection, topic: string): Promise<void> {
  const reader = numbered(connection, topic, { startFrom: { timestamp: BASE_TS + 2_400 } }).createReader(readerContext());
  try {
    const { values } = await readToEnd(reader);
    assert.deepEqual(
      values.map((v) => v.i).sort((a, b) => a - b),
      Array.from({ length: N - 2_400 }, (_, k) => 2_400 + k),
    );
  } finally {
    await reader.close?.();
  }
}
