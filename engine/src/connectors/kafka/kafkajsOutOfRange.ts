/**
 * kafkajs answers OFFSET_OUT_OF_RANGE (a fetch below the log start: records deleted by retention or
 * DeleteRecords before they were read) by moving its own fetch position to the group's default
 * offset (earliest: Sluice's readers subscribe `fromBeginning`) without telling anyone: no event, a
 * log line at most. `KafkajsConsumer` keeps its own position per partition, so it went on waiting
 * for offsets kafkajs no longer fetched, and a bounded read whose remaining records were deleted never
 * ended (the checkpoints notebook on Kafka hung restoring from its savepoint when the broker's time
 * retention, judging the generator's 2023 timestamps, deleted the topic meanwhile).
 *
 * kafkajs 2.2.4 (pinned) has no hook for it, so `ConsumerGroup.prototype.recoverFromOffsetOutOfRange`
 * is wrapped: after kafkajs's own reset, the partition's earliest and latest offsets are looked up
 * and handed to the Sluice consumer of that group, which moves its position as kafkajs did (and
 * reports the skipped offsets). Groups without a watcher behave exactly as before.
 */
import { createRequire } from "node:module";

/** The log's range when kafkajs reset the partition, or why it could not be looked up. */
export type OutOfRangeReset = { earliest: number; latest: number } | { error: unknown };

export type OutOfRangeWatcher = (topic: string, partition: number, reset: OutOfRangeReset) => void;

interface TopicOffsets {
  topic: string;
  partitions: { partition: number; offset: string }[];
}

interface ConsumerGroupLike {
  groupId: string;
  preferredReadReplicasPerTopicPartition: Record<string, Record<number, unknown> | undefined>;
  cluster: { fetchTopicsOffset(topics: { topic: string; fromBeginning: boolean; partitions: { partition: number }[] }[]): Promise<TopicOffsets[]> };
  recoverFromOffsetOutOfRange(e: { topic: string; partition: number }): Promise<void>;
}

const require = createRequire(import.meta.url);
/** Group id → the Sluice consumer reading through that (private) group. */
const watchers = new Map<string, OutOfRangeWatcher>();
let patched = false;

function patch(): void {
  if (patched) return;
  patched = true;
  const ConsumerGroup = require("kafkajs/src/consumer/consumerGroup.js") as { prototype: ConsumerGroupLike };
  const recover = ConsumerGroup.prototype.recoverFromOffsetOutOfRange;
  if (typeof recover !== "function") {
    throw new Error("this kafkajs version's ConsumerGroup has no recoverFromOffsetOutOfRange; the Kafka source needs it (see kafkajsOutOfRange.ts)");
  }
  ConsumerGroup.prototype.recoverFromOffsetOutOfRange = async function (this: ConsumerGroupLike, e) {
    // kafkajs's own test for "fetched from a follower": then it retries the leader instead of resetting.
    const fromFollower = typeof this.preferredReadReplicasPerTopicPartition[e.topic]?.[e.partition] === "number";
    await recover.call(this, e);
    const watcher = watchers.get(this.groupId);
    if (watcher === undefined || fromFollower) return;
    let reset: OutOfRangeReset;
    try {
      const offsetAt = async (fromBeginning: boolean) => {
        const answer = await this.cluster.fetchTopicsOffset([{ topic: e.topic, fromBeginning, partitions: [{ partition: e.partition }] }]);
        const found = answer.find((t) => t.topic === e.topic)?.partitions.find((p) => p.partition === e.partition);
        if (found === undefined) throw new Error(`no offset listed for ${e.topic}[${e.partition}]`);
        return Number(found.offset);
      };
      reset = { earliest: await offsetAt(true), latest: await offsetAt(false) };
    } catch (error) {
      reset = { error };
    }
    watcher(e.topic, e.partition, reset);
  };
}

/** Tells `watcher` whenever kafkajs resets an out-of-range position of group `groupId`; call the result when done. */
export function watchOutOfRange(groupId: string, watcher: OutOfRangeWatcher): () => void {
  patch();
  watchers.set(groupId, watcher);
  return () => {
    if (watchers.get(groupId) === watcher) watchers.delete(groupId);
  };
}
