import { KafkaConnectorError } from "./errors.js";
import { partitionKey, type PartitionOffset } from "./KafkaClient.js";

/**
 * A Kafka source subtask's checkpointed position: the next offset to read, per topic and
 * partition. JSON-serializable; keyed by topic-partition so positions of several subtasks can be
 * merged (`mergePositions`) and restored at another parallelism.
 */
export interface KafkaSourcePosition {
  offsets: Record<string, Record<string, number>>;
  /**
   * The reader had listed its partitions (it connected once): a partition it owns on restore that
   * `offsets` lacks was added while the job was down, and is read from its earliest offset, as
   * Flink's KafkaSource does. Without it (a checkpoint taken before the broker was ever reached),
   * such partitions start at `startFrom`. Absent in positions written before this field existed:
   * there, a non-empty `offsets` means true.
   */
  discovered?: boolean;
  /**
   * Bounded reads: the offset each partition stops at (its end offset when the first run started),
   * so a restored run stops where the first one would have, as the stopping offset in Flink's
   * KafkaPartitionSplit. Absent for unbounded reads (and in positions written before it existed).
   */
  stoppingOffsets?: Record<string, Record<string, number>>;
}

/** A validated position: offsets per `partitionKey`, and whether missing partitions are new. */
export interface DecodedPosition {
  offsets: Map<string, PartitionOffset>;
  discovered: boolean;
  /** Bounded reads: stopping offset per `partitionKey` (see `KafkaSourcePosition.stoppingOffsets`). */
  stoppingOffsets?: Map<string, PartitionOffset>;
}

export function encodePosition(offsets: Iterable<PartitionOffset>, discovered?: boolean, stoppingOffsets?: Iterable<PartitionOffset>): KafkaSourcePosition {
  const out: KafkaSourcePosition = { offsets: toRecord(offsets) };
  if (discovered !== undefined) out.discovered = discovered;
  if (stoppingOffsets !== undefined) out.stoppingOffsets = toRecord(stoppingOffsets);
  return out;
}

function toRecord(offsets: Iterable<PartitionOffset>): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {};
  for (const { topic, partition, offset } of offsets) (out[topic] ??= {})[String(partition)] = offset;
  return out;
}

/** Validates a restored position (it comes from storage, so it is checked, not trusted). */
export function decodePosition(position: unknown): Map<string, PartitionOffset> {
  return readPosition(position).offsets;
}

/** `decodePosition` plus the `discovered` flag (derived from the offsets for positions without it). */
export function readPosition(position: unknown): DecodedPosition {
  const bad = (why: string) => new KafkaConnectorError(`Invalid Kafka source position: ${why}`, {}, { retriable: false });
  if (typeof position !== "object" || position === null || typeof (position as KafkaSourcePosition).offsets !== "object" || (position as KafkaSourcePosition).offsets === null) {
    throw bad("expected { offsets: { topic: { partition: offset } }, discovered?: boolean }");
  }
  const flag: unknown = (position as KafkaSourcePosition).discovered;
  if (flag !== undefined && typeof flag !== "boolean") throw bad(`discovered must be a boolean, got ${JSON.stringify(flag)}`);
  const offsetMap = (record: unknown, what: string): Map<string, PartitionOffset> => {
    if (typeof record !== "object" || record === null) throw bad(`${what} must be { topic: { partition: offset } }`);
    const offsets = new Map<string, PartitionOffset>();
    for (const [topic, partitions] of Object.entries(record)) {
      if (typeof partitions !== "object" || partitions === null) throw bad(`topic ${topic} has no partition map`);
      for (const [p, offset] of Object.entries(partitions as Record<string, unknown>)) {
        const partition = Number(p);
        if (!Number.isInteger(partition) || partition < 0 || typeof offset !== "number" || !Number.isInteger(offset) || offset < 0) {
          throw bad(`topic ${topic} partition ${p} offset ${String(offset)}`);
        }
        offsets.set(partitionKey(topic, partition), { topic, partition, offset });
      }
    }
    return offsets;
  };
  const offsets = offsetMap((position as KafkaSourcePosition).offsets, "offsets");
  const stopping: unknown = (position as KafkaSourcePosition).stoppingOffsets;
  // A reader of the previous version wrote offsets only after it had listed its partitions.
  const decoded: DecodedPosition = { offsets, discovered: flag ?? offsets.size > 0 };
  if (stopping !== undefined) decoded.stoppingOffsets = offsetMap(stopping, "stoppingOffsets");
  return decoded;
}

/**
 * Union of several subtasks' positions (they own disjoint partitions; on overlap the larger offset
 * wins). The merge counts as discovered only if every input does: a subtask that never connected
 * owned partitions nobody recorded, and those must keep `startFrom` rather than count as new.
 */
export function mergePositions(positions: readonly unknown[]): KafkaSourcePosition {
  const merged = new Map<string, PartitionOffset>();
  let stopping: Map<string, PartitionOffset> | undefined;
  let discovered = positions.length > 0;
  for (const p of positions) {
    const decoded = readPosition(p);
    discovered &&= decoded.discovered;
    for (const [key, o] of decoded.offsets) if ((merged.get(key)?.offset ?? -1) < o.offset) merged.set(key, o);
    // Stopping offsets were fixed once per partition: subtasks never disagree on one.
    if (decoded.stoppingOffsets !== undefined) for (const [key, o] of decoded.stoppingOffsets) (stopping ??= new Map()).set(key, o);
  }
  return encodePosition(merged.values(), discovered, stopping?.values());
}
