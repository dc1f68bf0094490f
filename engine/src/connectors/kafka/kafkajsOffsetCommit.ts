/**
 * Committing offsets to a consumer group without being a member of it, as a standalone consumer
 * (Java's `assign()` + `commitSync()`, which Flink's KafkaSource uses for its monitoring commits):
 * an OffsetCommit request with generation -1 and no member id. kafkajs only commits from inside a
 * running group member (and `admin.setOffsets` joins the group), so this sends the request through
 * kafkajs's private cluster factory, as kafkajsTransactions.ts does for EndTxn. The broker refuses
 * it while the group has active members (their offsets are theirs to commit).
 */
import type { Kafka } from "kafkajs";
import type { PartitionOffset } from "./KafkaClient.js";

interface CoordinatorLike {
  offsetCommit(args: {
    groupId: string;
    groupGenerationId: number;
    memberId: string;
    retentionTime: number;
    topics: { topic: string; partitions: { partition: number; offset: string }[] }[];
  }): Promise<unknown>;
}

export interface GroupCluster {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  findGroupCoordinator(args: { groupId: string; coordinatorType: number }): Promise<CoordinatorLike>;
}

/** A connection for group coordinator requests (connect it; disconnect when done). */
export function groupCluster(kafka: Kafka): GroupCluster {
  const factory = Object.getOwnPropertySymbols(kafka).find((s) => s.description === "private:Kafka:createCluster");
  if (factory === undefined) throw new Error("this kafkajs version has no private cluster factory; cannot commit offsets without joining the group");
  return (kafka as unknown as Record<symbol, (o: object) => GroupCluster>)[factory]!({ allowAutoTopicCreation: false });
}

/** Writes `offsets` (the next offset to read, per partition) as the group's committed offsets. Rejects with kafkajs's error. */
export async function commitStandalone(cluster: GroupCluster, groupId: string, offsets: readonly PartitionOffset[]): Promise<void> {
  const byTopic = new Map<string, { partition: number; offset: string }[]>();
  for (const { topic, partition, offset } of offsets) {
    const list = byTopic.get(topic) ?? [];
    list.push({ partition, offset: String(offset) });
    byTopic.set(topic, list);
  }
  if (byTopic.size === 0) return;
  const coordinator = await cluster.findGroupCoordinator({ groupId, coordinatorType: 0 });
  await coordinator.offsetCommit({
    groupId,
    groupGenerationId: -1,
    memberId: "",
    retentionTime: -1, // the broker's default retention (versions that still carry the field)
    topics: [...byTopic].map(([topic, partitions]) => ({ topic, partitions })),
  });
}
