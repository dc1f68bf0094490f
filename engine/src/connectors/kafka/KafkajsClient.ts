import type { Admin, Kafka, KafkaConfig } from "kafkajs";
import { kafkajs } from "./kafkajsLibrary.js";
import { KafkaAuthenticationError, KafkaConnectorError, KafkaTopicMissingError, errorMessage } from "./errors.js";
import { KafkajsConsumer } from "./KafkajsConsumer.js";
import { KafkajsProducer } from "./KafkajsProducer.js";
import { withRetry } from "./retry.js";
import type { ConsumerOptions, KafkaClient, KafkaProducer, NewTopic, OffsetSpec, PartitionConsumer, PartitionOffset, ProducerIdentity, ProducerOptions, TopicPartition } from "./KafkaClient.js";
import { commitStandalone, groupCluster, type GroupCluster } from "./kafkajsOffsetCommit.js";
import { commitResumed } from "./kafkajsTransactions.js";

export interface KafkajsClientOptions {
  /** Bootstrap servers, e.g. `["127.0.0.1:9092"]`. */
  brokers: string[];
  clientId?: string;
  /** kafkajs's own logging. Default "nothing": connection trouble is reported through the connector status instead. */
  logLevel?: "nothing" | "error" | "warn" | "info" | "debug";
  /** Passed to kafkajs as is (ssl, sasl, timeouts...). */
  kafkajs?: Partial<KafkaConfig>;
}

/** `KafkaClient` on kafkajs 2.x. One admin connection, opened lazily and reopened after failures. */
export class KafkajsClient implements KafkaClient {
  readonly library = "kafkajs";
  private adminConnection: Promise<Admin> | undefined;
  /** For offset commits (see kafkajsOffsetCommit.ts); opened lazily, dropped after a failure. */
  private groupConnection: Promise<GroupCluster> | undefined;

  private constructor(readonly kafka: Kafka) {}

  static create(options: KafkajsClientOptions): KafkajsClient {
    const { Kafka, logLevel } = kafkajs();
    const LEVELS = { nothing: logLevel.NOTHING, error: logLevel.ERROR, warn: logLevel.WARN, info: logLevel.INFO, debug: logLevel.DEBUG } as const;
    return new KafkajsClient(
      new Kafka({
        clientId: options.clientId ?? "sluice",
        brokers: options.brokers,
        logLevel: LEVELS[options.logLevel ?? "nothing"],
        connectionTimeout: 3_000,
        // Our callers retry with their own backoff and report status; kafkajs should not hide a dead broker for minutes.
        retry: { initialRetryTime: 200, maxRetryTime: 2_000, retries: 3 },
        ...options.kafkajs,
      }),
    );
  }

  async ping(): Promise<void> {
    await this.withAdmin((admin) => admin.describeCluster());
  }

  listTopics(): Promise<string[]> {
    return this.withAdmin((admin) => admin.listTopics());
  }

  async partitions(topics: readonly string[]): Promise<TopicPartition[]> {
    if (topics.length === 0) return [];
    const existing = new Set(await this.listTopics());
    const missing = topics.find((t) => !existing.has(t));
    if (missing !== undefined) throw new KafkaTopicMissingError(missing);
    const { topics: metadata } = await this.withAdmin((admin) => admin.fetchTopicMetadata({ topics: [...topics] }));
    return metadata.flatMap((t) => t.partitions.map((p) => ({ topic: t.name, partition: p.partitionId })));
  }

  async offsets(topics: readonly string[], spec: OffsetSpec): Promise<PartitionOffset[]> {
    const result: PartitionOffset[] = [];
    for (const topic of topics) {
      const ends = await this.withAdmin((admin) => admin.fetchTopicOffsets(topic));
      if (spec.kind !== "timestamp") {
        for (const p of ends) result.push({ topic, partition: p.partition, offset: Number(spec.kind === "earliest" ? p.low : p.high) });
        continue;
      }
      const high = new Map(ends.map((p) => [p.partition, Number(p.high)]));
      const byTime = await this.withAdmin((admin) => admin.fetchTopicOffsetsByTimestamp(topic, spec.timestamp));
      for (const p of byTime) {
        // The broker answers -1 when no record is that new: start at the end, like Kafka's own consumer.
        const offset = Number(p.offset);
        result.push({ topic, partition: p.partition, offset: offset >= 0 ? offset : (high.get(p.partition) ?? 0) });
      }
    }
    return result;
  }

  async committedOffsets(groupId: string, topics: readonly string[]): Promise<PartitionOffset[]> {
    const answer = await this.withAdmin((admin) => admin.fetchOffsets({ groupId, topics: [...topics] }));
    return answer.flatMap(({ topic, partitions }) => partitions.filter((p) => Number(p.offset) >= 0).map((p) => ({ topic, partition: p.partition, offset: Number(p.offset) })));
  }

  async createTopics(topics: readonly NewTopic[]): Promise<void> {
    await this.withAdmin((admin) =>
      admin.createTopics({
        // kafkajs's own wait gives up on UNKNOWN_TOPIC_OR_PARTITION, which a freshly started
        // broker answers for a moment after creating a topic; we wait ourselves below.
        waitForLeaders: false,
        topics: topics.map((t) => ({
          topic: t.topic,
          numPartitions: t.partitions,
          configEntries: Object.entries(t.config ?? {}).map(([name, value]) => ({ name, value })),
        })),
      }),
    );
    await this.waitForLeaders(topics.map((t) => t.topic));
  }

  /** Until every partition of the topics has a leader (bounded: ~10 s, then the last error is thrown). */
  private async waitForLeaders(topics: string[]): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        const { topics: metadata } = await this.withAdmin((admin) => admin.fetchTopicMetadata({ topics }));
        const leaderless = metadata.find((t) => t.partitions.length === 0 || t.partitions.some((p) => p.leader < 0));
        if (leaderless === undefined) return;
        throw new KafkaConnectorError("Kafka topic has partitions without a leader", { topic: leaderless.name });
      } catch (error) {
        if (attempt >= 50) throw error;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
  }

  openConsumer(options: ConsumerOptions): Promise<PartitionConsumer> {
    return KafkajsConsumer.open(this.kafka, options);
  }

  openProducer(options: ProducerOptions): Promise<KafkaProducer> {
    return KafkajsProducer.open(this.kafka, options);
  }

  commitPrepared(transactionalId: string, identity: ProducerIdentity): Promise<void> {
    return commitResumed(this.kafka, transactionalId, identity);
  }

  async commitOffsets(groupId: string, offsets: readonly PartitionOffset[]): Promise<void> {
    if (this.groupConnection === undefined) {
      const cluster = groupCluster(this.kafka);
      this.groupConnection = cluster.connect().then(() => cluster);
    }
    const connection = this.groupConnection;
    try {
      await commitStandalone(await connection, groupId, offsets);
    } catch (error) {
      if (this.groupConnection === connection) this.groupConnection = undefined;
      void connection.then((cluster) => cluster.disconnect()).catch(() => undefined); // best effort; `error` is what matters
      throw error;
    }
  }

  async close(): Promise<void> {
    const group = this.groupConnection;
    this.groupConnection = undefined;
    if (group !== undefined)
      await group.then(
        (cluster) => cluster.disconnect(),
        () => undefined,
      ); // a failed connect was reported to its caller
    const connection = this.adminConnection;
    this.adminConnection = undefined;
    if (connection === undefined) return;
    let admin: Admin;
    try {
      admin = await connection;
    } catch {
      return; // it never connected, so there is nothing to close; its error went to whoever awaited it
    }
    await admin.disconnect();
  }

  /**
   * Runs an admin call, again (up to ~10 s) while the broker answers with a retriable protocol error
   * such as "the coordinator is loading": kafkajs's admin hands those straight back, and a broker
   * that just restarted answers them for seconds.
   */
  private async withAdmin<T>(call: (admin: Admin) => Promise<T>): Promise<T> {
    return withRetry(() => this.withAdminOnce(call), { backoff: ADMIN_BACKOFF, isRetriable: transientProtocolError });
  }

  /** Runs an admin call; a failure drops the connection so the next call (a retry) reconnects. */
  private async withAdminOnce<T>(call: (admin: Admin) => Promise<T>): Promise<T> {
    if (this.adminConnection === undefined) {
      const admin = this.kafka.admin({ retry: { initialRetryTime: 200, maxRetryTime: 2_000, retries: 3 } });
      this.adminConnection = admin.connect().then(() => admin);
    }
    const connection = this.adminConnection;
    try {
      return await call(await connection);
    } catch (error) {
      if (this.adminConnection === connection) this.adminConnection = undefined;
      void connection.then((admin) => admin.disconnect()).catch(() => undefined); // best effort; `error` is what matters
      // Every connector's first call goes through here (partitions, ping), so credentials are judged once, here.
      if ((error as { name?: string }).name === "KafkaJSSASLAuthenticationError") throw new KafkaAuthenticationError(errorMessage(error), { cause: error });
      throw error;
    }
  }
}

/** An admin call meeting retriable protocol errors: 8 attempts, waits 0.2, 0.4, … 2 s (~10 s in all). */
const ADMIN_BACKOFF = { initialMs: 200, maxMs: 2_000, maxAttempts: 8 };

function transientProtocolError(error: unknown): boolean {
  const e = error as { name?: string; retriable?: boolean };
  return e.name === "KafkaJSProtocolError" && e.retriable === true;
}
