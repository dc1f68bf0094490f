import type { KafkaRecord, OutgoingRecord } from "./KafkaClient.js";

/** How record values are turned into stream elements (source) and back (sink). */
export type ValueFormat = "json" | "string" | "bytes";

/**
 * Turns one Kafka record into a stream element. It sees everything Kafka knows about the record
 * (key, value, headers, topic, partition, offset, timestamp), so enriching a value with its
 * partition or a header is one line. Return `undefined` to skip the record (e.g. a tombstone);
 * throw to report it as malformed: it becomes a dead letter (with topic, partition and offset)
 * or fails the job, by the job's error policy.
 *
 * @example
 * const withPartition: KafkaDeserializer<Order> = (r) => ({ ...JSON.parse(r.value!.toString()), partition: r.partition });
 */
export type KafkaDeserializer<T> = (record: KafkaRecord) => T | undefined;

/**
 * Turns one stream element into the record to write. `topic` defaults to the sink's topic;
 * `timestamp` to the element's event time when it has one.
 */
export type KafkaSerializer<T> = (value: T, timestamp: number) => Omit<OutgoingRecord, "topic"> & { topic?: string };

/** The deserializer for a plain value format. Null values (tombstones) are skipped. */
export function valueDeserializer(format: ValueFormat): KafkaDeserializer<unknown> {
  switch (format) {
    case "json":
      return (r) => (r.value === null ? undefined : JSON.parse(r.value.toString("utf8")));
    case "string":
      return (r) => (r.value === null ? undefined : r.value.toString("utf8"));
    case "bytes":
      return (r) => r.value ?? undefined;
  }
}

/** The serializer for a plain value format, with an optional key function. */
export function valueSerializer<T>(format: ValueFormat, key?: (value: T) => string | Buffer | null): KafkaSerializer<T> {
  const encode = valueEncoder(format);
  return (value, timestamp) => {
    const out: Omit<OutgoingRecord, "topic"> = { value: encode(value) };
    if (key !== undefined) out.key = key(value);
    if (Number.isFinite(timestamp)) out.timestamp = timestamp;
    return out;
  };
}

function valueEncoder(format: ValueFormat): (value: unknown) => string | Buffer {
  switch (format) {
    case "json":
      return (v) => JSON.stringify(v);
    case "string":
      return (v) => String(v);
    case "bytes":
      return (v) => {
        if (Buffer.isBuffer(v)) return v;
        if (v instanceof Uint8Array) return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
        throw new TypeError(`the "bytes" format writes Buffers or Uint8Arrays, got ${typeof v}`);
      };
  }
}
