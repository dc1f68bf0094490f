import type { TopicPartition } from "./KafkaClient.js";

/**
 * Which source subtask reads a partition. Like Flink's KafkaSourceEnumerator: partitions of one
 * topic go round-robin over subtasks, starting at a subtask chosen from the topic name, so that
 * several single-partition topics do not all land on subtask 0. Deterministic, so every subtask
 * computes the same split without talking to the others, and a restore at the same parallelism
 * gives each subtask the partitions it had.
 */
export function ownerOf(topic: string, partition: number, parallelism: number): number {
  return (topicStart(topic, parallelism) + partition) % parallelism;
}

export function partitionsOf(all: readonly TopicPartition[], subtask: number, parallelism: number): TopicPartition[] {
  return all.filter((tp) => ownerOf(tp.topic, tp.partition, parallelism) === subtask);
}

function topicStart(topic: string, parallelism: number): number {
  // Java's String.hashCode, then Flink's ((hash * 31) & 0x7FFFFFFF) % parallelism.
  let hash = 0;
  for (let i = 0; i < topic.length; i++) hash = (Math.imul(hash, 31) + topic.charCodeAt(i)) | 0;
  return (Math.imul(hash, 31) & 0x7fffffff) % parallelism;
}
