import { KafkaConnectorError } from "./errors.js";
import { partitionKey, type PartitionOffset } from "./KafkaClient.js";

/**
 * A Kafka source subtask's checkpointed position: the next offset to read, per topic and
 * partition. JSON-serializable; keyed by topic-partition so positions of several subtasks can be
 * merged (`mergePositions`) and restored at another parallelism.
 */
export interface KafkaSourcePosition {
  offsets: Record<string, Record<string, number>>;
}

export function encodePosition(offsets: Iterable<PartitionOffset>): KafkaSourcePosition {
  const out: KafkaSourcePosition = { offsets: {} };
  for (const { topic, partition, offset } of offsets) (out.offsets[topic] ??= {})[String(partition)] = offset;
  return out;
}

/** Validates a restored position (it comes from storage, so it is checked, not trusted). */
export function decodePosition(position: unknown): Map<string, PartitionOffset> {
  const bad = (why: string) => new KafkaConnectorError(`Invalid Kafka source position: ${why}`, {}, { retriable: false });
  if (typeof position !== "object" || position === null || typeof (position as KafkaSourcePosition).offsets !== "object") throw bad("expected { offsets: { topic: { partition: offset } } }");
  const result = new Map<string, PartitionOffset>();
  for (const [topic, partitions] of Object.entries((position as KafkaSourcePosition).offsets)) {
    if (typeof partitions !== "object" || partitions === null) throw bad(`topic ${topic} has no partition map`);
    for (const [p, offset] of Object.entries(partitions as Record<string, unknown>)) {
      const partition = Number(p);
      if (!Number.isInteger(partition) || partition < 0 || typeof offset !== "number" || !Number.isInteger(offset) || offset < 0) {
        throw bad(`topic ${topic} partition ${p} offset ${String(offset)}`);
      }
      result.set(partitionKey(topic, partition), { topic, partition, offset });
    }
  }
  return result;
}

/** Union of several subtasks' positions (they own disjoint partitions; on overlap the larger offset wins). */
export function mergePositions(positions: readonly unknown[]): KafkaSourcePosition {
  const merged = new Map<string, PartitionOffset>();
  for (const p of positions) {
    for (const [key, o] of decodePosition(p)) if ((merged.get(key)?.offset ?? -1) < o.offset) merged.set(key, o);
  }
  return encodePosition(merged.values());
}
