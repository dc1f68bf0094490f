/**
 * Converting records between the connector's `KafkaClient` types and @platformatic/kafka's wire
 * types. The library is used without serializers (bytes in, bytes out), so these do the small
 * part of serialization that kafkajs did implicitly: strings to UTF-8, numbers to bigints, header
 * lists to objects.
 */
import type { KafkaHeaders, KafkaRecord, OutgoingRecord } from "../KafkaClient.js";
import { compatibilityPartitioner, type MessageToProduce, type RecordsBatch } from "./library.js";

/** Record batch attributes (Kafka's DefaultRecordBatch). */
export const LOG_APPEND_TIME = 0x08;
export const TRANSACTIONAL = 0x10;
export const CONTROL = 0x20;

export type WireMessage = MessageToProduce<Buffer, Buffer, Buffer, Buffer>;
type WireRecord = RecordsBatch["records"][number];

const bytes = (v: Buffer | string): Buffer => (typeof v === "string" ? Buffer.from(v, "utf8") : v);

/**
 * One outgoing record as the library wants it. Keyed records without a partition get Kafka's
 * Java-compatible partition (murmur2 & 0x7fffffff, the library takes it modulo the partition count):
 * the library's own default (`murmur2 >>> 0`) sends about half of all keys to other partitions than
 * Java clients and kafkajs do, so a topic written by both would split a key over two partitions.
 * Keyless records keep the library's round robin.
 */
export function toWireMessage(r: OutgoingRecord): WireMessage {
  const message: WireMessage = { topic: r.topic };
  // A null value is a tombstone; the library writes undefined and null alike as "no bytes".
  message.value = (r.value === null ? null : bytes(r.value)) as Buffer;
  if (r.key !== undefined && r.key !== null) message.key = bytes(r.key);
  if (r.partition !== undefined) message.partition = r.partition;
  else if (message.key !== undefined) message.partition = compatibilityPartitioner(message, message.key);
  if (r.timestamp !== undefined && Number.isFinite(r.timestamp)) message.timestamp = BigInt(Math.trunc(r.timestamp));
  if (r.headers !== undefined) {
    // Header keys must be bytes: with no serializers the library writes whatever it is given and a
    // string key breaks the request (the send then fails after all retries, or hangs).
    const headers = new Map<Buffer, Buffer>();
    for (const [k, v] of Object.entries(r.headers)) headers.set(Buffer.from(k, "utf8"), bytes(v));
    message.headers = headers;
  }
  return message;
}

/**
 * One fetched record as the connector sees it. Log-append-time topics carry the broker's time
 * only in the batch's max timestamp (the records' deltas are the producer's), as kafkajs and the
 * Java client read it.
 */
export function toKafkaRecord(topic: string, partition: number, batch: RecordsBatch, record: WireRecord): KafkaRecord {
  const timestamp = (batch.attributes & LOG_APPEND_TIME) !== 0 ? batch.maxTimestamp : batch.firstTimestamp + record.timestampDelta;
  return {
    topic,
    partition,
    offset: Number(batch.firstOffset) + record.offsetDelta,
    timestamp: Number(timestamp),
    key: record.key ?? null,
    value: record.value ?? null,
    headers: record.headers.length === 0 ? {} : toHeaders(record.headers),
  };
}

/** Repeated header keys become arrays, in order (kafkajs's shape). */
function toHeaders(list: WireRecord["headers"]): KafkaHeaders {
  const headers: KafkaHeaders = {};
  for (const [k, v] of list) {
    if (k === null) continue;
    const key = k.toString("utf8");
    const value = v ?? undefined;
    const existing = headers[key];
    if (existing === undefined) headers[key] = value;
    else if (value !== undefined) headers[key] = Array.isArray(existing) ? [...existing, value] : [existing, value];
  }
  return headers;
}
