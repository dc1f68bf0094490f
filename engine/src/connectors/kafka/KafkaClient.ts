/**
 * The one seam between Sluice's Kafka connector and a Kafka client library. The source and sink
 * only talk to these interfaces; `KafkajsClient` implements them with kafkajs, and another library
 * (e.g. `@platformatic/kafka`) can be plugged in by implementing `KafkaClient` and passing it as
 * the `client` option of `Kafka.source` / `Kafka.sink`.
 *
 * The interface is deliberately small and pull-friendly: the connector decides which partitions a
 * subtask reads and from which offsets (so restore works from checkpointed offsets, never from a
 * consumer group), and the client only has to "read these partitions from these offsets".
 * Offsets are plain numbers: Kafka offsets stay far below 2^53 in practice.
 */
import type { ConnectorStatus } from "../ConnectorStatus.js";

export interface TopicPartition {
  topic: string;
  partition: number;
}

export interface PartitionOffset extends TopicPartition {
  /** For positions: the offset of the next record to read. */
  offset: number;
}

export type KafkaHeaders = Record<string, Buffer | string | (Buffer | string)[] | undefined>;

/** One record as read from Kafka (control records and, under read_committed, aborted ones excluded). */
export interface KafkaRecord {
  topic: string;
  partition: number;
  offset: number;
  /** Record timestamp in epoch ms (create time or log-append time, as the topic is configured). */
  timestamp: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: KafkaHeaders;
}

/** One record to write. Without `partition`, the client's default partitioner picks one from the key. */
export interface OutgoingRecord {
  topic: string;
  key?: Buffer | string | null;
  value: Buffer | string | null;
  partition?: number;
  timestamp?: number;
  headers?: Record<string, Buffer | string>;
}

export type OffsetSpec = { kind: "earliest" } | { kind: "latest" } | { kind: "timestamp"; timestamp: number };

/** Where a connector's connection to the broker stands; reported through `status()`, `onStatus` and each reader's and writer's `connectorStatus()`. */
export type { ConnectorStatus };

export interface ConsumerOptions {
  /** Exactly the partitions to read and the offset of the first record to read from each. */
  assignment: PartitionOffset[];
  isolation: "read_committed" | "read_uncommitted";
  /** Fetch no more while this many records wait in the buffer (back-pressure). */
  maxBufferedRecords: number;
  /** Called on connection trouble and recovery (the client retries on its own, forever). */
  onStatus(status: Omit<ConnectorStatus, "since">): void;
}

/**
 * Reads a fixed set of partitions. Records of one partition come out in offset order, each exactly
 * once, even if the client reconnects or rejoins internally.
 */
export interface PartitionConsumer {
  /** Records fetched but not yet taken. */
  readonly buffered: number;
  /** Removes and returns up to `max` buffered records (never waits). */
  take(max: number): KafkaRecord[];
  /** Resolves once records are buffered, or after `timeoutMs`, or when the consumer fails or closes. */
  waitForRecords(timeoutMs: number): Promise<void>;
  /**
   * The offset after the last record or transaction marker this consumer has passed in a
   * partition (buffered or not). Bounded reads use it to tell "caught up" from "waiting".
   */
  fetchPosition(topic: string, partition: number): number;
  /** A fatal error the client gave up on, if any; the source rethrows it from `poll`. */
  readonly failure: Error | undefined;
  close(): Promise<void>;
}

export interface ProducerOptions {
  /** Set for exactly-once: enables transactions (and with them the idempotent producer). */
  transactionalId?: string;
  /** Idempotent producer: the broker drops duplicates of retried batches. */
  idempotent: boolean;
  /** Transaction timeout (ms); the broker aborts transactions left open longer. */
  transactionTimeoutMs?: number;
}

export interface KafkaProducer {
  /** Writes records and resolves once the broker acknowledged all of them (acks=all). */
  send(records: readonly OutgoingRecord[]): Promise<void>;
  /**
   * Transactional producers: registers the transactional id with the broker now, which fences any
   * older producer with the same id and aborts its open transaction (Java's `initTransactions`).
   * Optional; without it this happens at the first `beginTransaction`.
   */
  initTransactions?(): Promise<void>;
  /** Transactional producers: the producer id and epoch the broker assigned (for `KafkaClient.commitPrepared`). */
  identity?(): ProducerIdentity | undefined;
  /** Starts a transaction; only one may be open per producer (transactional producers only). */
  beginTransaction(): Promise<KafkaTransaction>;
  close(): Promise<void>;
}

export interface KafkaTransaction {
  send(records: readonly OutgoingRecord[]): Promise<void>;
  commit(): Promise<void>;
  abort(): Promise<void>;
}

export interface NewTopic {
  topic: string;
  partitions: number;
  config?: Record<string, string>;
}

/** A transactional producer's id and epoch: enough to finish its open transaction after it died. */
export interface ProducerIdentity {
  producerId: string;
  producerEpoch: number;
}

export interface KafkaClient {
  /** Library name for messages and reports, e.g. "kafkajs". */
  readonly library: string;
  /** Checks the broker answers (used for start-up retries and health). */
  ping(): Promise<void>;
  listTopics(): Promise<string[]>;
  /** Partitions of existing topics; throws a `KafkaTopicMissingError` naming a missing topic. */
  partitions(topics: readonly string[]): Promise<TopicPartition[]>;
  /** Offsets per partition: the first offset, the end, or the first with timestamp >= the given one (end if none). */
  offsets(topics: readonly string[], spec: OffsetSpec): Promise<PartitionOffset[]>;
  /** A group's committed offsets; partitions without a committed offset are left out. */
  committedOffsets(groupId: string, topics: readonly string[]): Promise<PartitionOffset[]>;
  /**
   * Writes offsets (next offset to read) as a group's committed offsets without joining the group,
   * like a standalone consumer; the source does this after each checkpoint, for monitoring only.
   * Optional: without it, a source with a `groupId` commits nothing.
   */
  commitOffsets?(groupId: string, offsets: readonly PartitionOffset[]): Promise<void>;
  createTopics(topics: readonly NewTopic[]): Promise<void>;
  openConsumer(options: ConsumerOptions): Promise<PartitionConsumer>;
  openProducer(options: ProducerOptions): Promise<KafkaProducer>;
  /**
   * Commits the open transaction of a producer that is gone (a crashed run), from its id and epoch:
   * Flink's resumeTransaction + commit. Succeeds if the transaction is already committed; rejects
   * otherwise, e.g. when a newer producer fenced it (see `KafkajsClient`). Optional: without it,
   * exactly-once sinks commit before a checkpoint is published (see `TransactionalKafkaWriter`).
   */
  commitPrepared?(transactionalId: string, identity: ProducerIdentity): Promise<void>;
  close(): Promise<void>;
}

/** Key for per-partition maps. NUL cannot occur in topic names. */
export function partitionKey(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`;
}
