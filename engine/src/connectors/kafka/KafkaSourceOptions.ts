import type { ConnectorStatus, KafkaClient, PartitionOffset } from "./KafkaClient.js";
import { KafkaConnectorError } from "./errors.js";
import type { KafkaDeserializer, ValueFormat } from "./formats.js";
import type { KafkaLibrary } from "./clientChoice.js";
import type { KafkaSecurity } from "./security.js";
import type { BackoffOptions } from "./retry.js";

/** `specificOffsets`: the next offset to read per listed partition; partitions not listed start at their earliest offset. */
export type StartFrom = "earliest" | "latest" | "committed" | { timestamp: number } | { specificOffsets: PartitionOffset[] };

export interface KafkaSourceOptions<T> {
  /** Bootstrap servers; or pass `client`. */
  brokers?: string[];
  /** A ready client (another library, or shared settings). The source does not close it. */
  client?: KafkaClient;
  /** Without `client`: the library of the source's own clients. Default SLUICE_KAFKA_CLIENT, else "kafkajs". */
  library?: KafkaLibrary;
  /** Without `client`: TLS and SASL for the source's own clients (see `KafkaSecurity`). */
  security?: KafkaSecurity;
  topics?: string[];
  /** Reads every existing topic whose name matches (resolved when a reader opens; `__internal` topics excluded). */
  topicPattern?: RegExp;
  /** Value format when no `deserializer` is given. Default "json". */
  format?: ValueFormat;
  /** Full control over decoding: sees key, value, headers, partition, offset and timestamp. */
  deserializer?: KafkaDeserializer<T>;
  /**
   * Where to start when there is no restored position. Default "earliest". After a restore,
   * partitions (and `topicPattern` topics) added while the job was down start at their earliest
   * offset instead, unless the checkpoint was taken before the reader ever reached the broker.
   */
  startFrom?: StartFrom;
  /**
   * A consumer group for `startFrom: "committed"` and for monitoring: after each completed
   * checkpoint, the checkpointed offsets are committed to it (see `commitOffsetsOnCheckpoint`).
   * Sluice never joins it, and restore uses the checkpoint, not the group.
   */
  groupId?: string;
  /** Commit checkpointed offsets to `groupId` after each checkpoint (for lag monitoring). Default true when `groupId` is set. */
  commitOffsetsOnCheckpoint?: boolean;
  /** For `committed`: where partitions without a committed offset start. Default "earliest"; "none" fails the source (Kafka's auto.offset.reset=none). */
  committedFallback?: "earliest" | "latest" | "none";
  /** Default "read_committed": records of aborted or open transactions are never read. */
  isolation?: "read_committed" | "read_uncommitted";
  /** Read up to the end offsets found at start, then end (a batch read of the topic). Default false. */
  bounded?: boolean;
  /**
   * Unbounded reads: look for new partitions of the topics (and, with `topicPattern`, new matching
   * topics) this often, and read them from their earliest offset. `false` turns it off. Default
   * 5 minutes, as Flink's KafkaSource.
   */
  partitionDiscoveryIntervalMs?: number | false;
  /** Also write malformed records (original key/value/headers plus error headers) to this topic. */
  deadLetterTopic?: string;
  /** Records fetched ahead per subtask; while this many wait, fetching holds (back-pressure). Default 10 000. */
  maxBufferedRecords?: number;
  /** How long one poll waits for records before returning an empty batch. Default 100 ms. */
  pollTimeoutMs?: number;
  /**
   * Fail with a `KafkaSourceStalledError` (and let the restart strategy fail over) when the reader
   * has made no progress for this long although the broker answers and records wait past its
   * position (see `StallWatch`). `false` turns it off. Default 2 minutes.
   */
  stallTimeoutMs?: number | false;
  /** Backoff between attempts to reach the broker at start. */
  backoff?: BackoffOptions;
  /** Called whenever a subtask's connection status changes. */
  onStatus?: (subtask: number, status: ConnectorStatus) => void;
  name?: string;
}

/** Combinations of options that can never work, refused when the source is declared (in the cell that declares it). */
export function refuseInvalidOptions<T>(options: KafkaSourceOptions<T>): void {
  if ((options.topics === undefined || options.topics.length === 0) === (options.topicPattern === undefined)) {
    throw new KafkaConnectorError("Kafka.source needs either `topics` or `topicPattern`", {}, { retriable: false });
  }
  if (options.startFrom === "committed" && options.groupId === undefined) {
    throw new KafkaConnectorError('Kafka.source: startFrom "committed" needs a `groupId`', {}, { retriable: false });
  }
  if (options.client === undefined && (options.brokers === undefined || options.brokers.length === 0)) {
    throw new KafkaConnectorError("Kafka.source needs `brokers` or a `client`", {}, { retriable: false });
  }
  if (options.commitOffsetsOnCheckpoint === true && options.groupId === undefined) {
    throw new KafkaConnectorError("Kafka.source: commitOffsetsOnCheckpoint needs a `groupId`", {}, { retriable: false });
  }
  if (options.commitOffsetsOnCheckpoint === true && options.client !== undefined && options.client.commitOffsets === undefined) {
    throw new KafkaConnectorError(`Kafka.source: the ${options.client.library} client cannot commit offsets (commitOffsetsOnCheckpoint)`, {}, { retriable: false });
  }
}
