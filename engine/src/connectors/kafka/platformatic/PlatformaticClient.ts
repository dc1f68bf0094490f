import { KafkaAuthenticationError, KafkaConnectorError, KafkaTopicMissingError } from "../errors.js";
import {
  partitionKey,
  type ConsumerOptions,
  type KafkaClient,
  type KafkaProducer,
  type NewTopic,
  type OffsetSpec,
  type PartitionConsumer,
  type PartitionOffset,
  type ProducerIdentity,
  type ProducerOptions,
  type TopicPartition,
} from "../KafkaClient.js";
import { commitPrepared } from "./commitPrepared.js";
import { PlatformaticKafkaError, describe, isAuthenticationFailure } from "./errors.js";
import { Admin, FetchIsolationLevels, ListOffsetTimestamps, type BaseOptions, type ClusterMetadata } from "./library.js";
import { PlatformaticConsumer } from "./PlatformaticConsumer.js";
import { PlatformaticProducer } from "./PlatformaticProducer.js";

export interface PlatformaticClientOptions {
  /** Bootstrap servers, e.g. `["127.0.0.1:9092"]`. */
  brokers: string[];
  clientId?: string;
  /** Passed to every @platformatic/kafka client as is (tls, sasl, timeouts, retries...). */
  platformatic?: Partial<BaseOptions>;
}

/**
 * Retries inside the library: a few, quickly. Our callers retry on their own with backoff and
 * report status, and the library's default (1 s between attempts) made every transaction after a
 * commit wait a second on CONCURRENT_TRANSACTIONS while the broker wrote the previous markers.
 */
const LIBRARY_RETRIES = 5;
const libraryRetryDelay = (_client: unknown, _operation: string, attempt: number): number => Math.min(1_000, 50 * 2 ** Math.max(0, attempt - 1));

/**
 * `KafkaClient` on @platformatic/kafka 2.x (pinned; Node 20 needs the polyfill in polyfill.ts).
 * One Admin client for metadata, offsets, topics, group offsets and `commitPrepared`, created
 * lazily; the library reconnects it by itself. Consumers and producers get clients of their own.
 */
export class PlatformaticClient implements KafkaClient {
  readonly library = "@platformatic/kafka";
  private adminClient: Admin | undefined;

  private constructor(private readonly base: BaseOptions) {}

  static create(options: PlatformaticClientOptions): PlatformaticClient {
    return new PlatformaticClient({
      clientId: options.clientId ?? "sluice",
      bootstrapBrokers: options.brokers,
      connectTimeout: 3_000,
      retries: LIBRARY_RETRIES,
      retryDelay: libraryRetryDelay,
      ...options.platformatic,
    });
  }

  async ping(): Promise<void> {
    await this.admin("Kafka broker did not answer", {}, (admin) => admin.metadata({ topics: [], forceUpdate: true }));
  }

  listTopics(): Promise<string[]> {
    return this.admin("Kafka could not list topics", {}, (admin) => admin.listTopics());
  }

  async partitions(topics: readonly string[]): Promise<TopicPartition[]> {
    if (topics.length === 0) return [];
    const existing = new Set(await this.listTopics());
    const missing = topics.find((t) => !existing.has(t));
    if (missing !== undefined) throw new KafkaTopicMissingError(missing);
    const metadata = await this.metadata(topics);
    return topics.flatMap((topic) => Array.from({ length: metadata.topics.get(topic)?.partitionsCount ?? 0 }, (_, partition) => ({ topic, partition })));
  }

  async offsets(topics: readonly string[], spec: OffsetSpec): Promise<PartitionOffset[]> {
    if (topics.length === 0) return [];
    const partitions = await this.partitions(topics);
    const list = (timestamp: bigint): Promise<Map<string, number>> => this.listOffsets(partitions, timestamp);
    if (spec.kind === "earliest") return withOffsets(partitions, await list(ListOffsetTimestamps.EARLIEST));
    const latest = await list(ListOffsetTimestamps.LATEST);
    if (spec.kind === "latest") return withOffsets(partitions, latest);
    const byTime = await list(BigInt(spec.timestamp));
    // The broker answers -1 when no record is that new: start at the end, like Kafka's own consumer.
    return partitions.map((tp) => {
      const key = partitionKey(tp.topic, tp.partition);
      const offset = byTime.get(key) ?? -1;
      return { ...tp, offset: offset >= 0 ? offset : (latest.get(key) ?? 0) };
    });
  }

  async committedOffsets(groupId: string, topics: readonly string[]): Promise<PartitionOffset[]> {
    if (topics.length === 0) return [];
    const partitions = await this.partitions(topics);
    const groupTopics = topics.map((name) => ({ name, partitionIndexes: partitions.filter((p) => p.topic === name).map((p) => p.partition) }));
    const answer = await this.admin("Kafka could not read committed offsets", {}, (admin) => admin.listConsumerGroupOffsets({ groups: [{ groupId, topics: groupTopics }] }));
    return (answer.find((g) => g.groupId === groupId)?.topics ?? []).flatMap((t) =>
      t.partitions.filter((p) => p.committedOffset >= 0n).map((p) => ({ topic: t.name, partition: p.partitionIndex, offset: Number(p.committedOffset) })),
    );
  }

  /** OffsetCommit with generation -1 and no member id (the library's admin sends exactly that): no group join. */
  async commitOffsets(groupId: string, offsets: readonly PartitionOffset[]): Promise<void> {
    if (offsets.length === 0) return;
    const byTopic = new Map<string, { partition: number; offset: bigint }[]>();
    for (const { topic, partition, offset } of offsets) {
      let list = byTopic.get(topic);
      if (list === undefined) byTopic.set(topic, (list = []));
      list.push({ partition, offset: BigInt(offset) });
    }
    const topics = [...byTopic].map(([name, partitionOffsets]) => ({ name, partitionOffsets }));
    await this.admin("Kafka could not commit group offsets", { topic: offsets[0]?.topic }, (admin) => admin.alterConsumerGroupOffsets({ groupId, topics }));
  }

  async createTopics(topics: readonly NewTopic[]): Promise<void> {
    // One request per topic: the library applies `configs` to every topic of a request.
    for (const t of topics) {
      const configs = Object.entries(t.config ?? {}).map(([name, value]) => ({ name, value }));
      await this.admin("Kafka could not create topic", { topic: t.topic }, (admin) => admin.createTopics({ topics: [{ topic: t.topic, partitions: t.partitions, replicas: -1 }], configs }));
    }
    await this.waitForLeaders(topics.map((t) => t.topic));
  }

  openConsumer(options: ConsumerOptions): Promise<PartitionConsumer> {
    return PlatformaticConsumer.open(this.base, options);
  }

  async openProducer(options: ProducerOptions): Promise<KafkaProducer> {
    return PlatformaticProducer.open(this.base, options);
  }

  commitPrepared(transactionalId: string, identity: ProducerIdentity): Promise<void> {
    return commitPrepared((this.adminClient ??= new Admin(this.base)), transactionalId, identity);
  }

  async close(): Promise<void> {
    const admin = this.adminClient;
    this.adminClient = undefined;
    await admin?.close();
  }

  /** Until every partition of the topics has a leader (bounded: ~10 s, then the last error is thrown). */
  private async waitForLeaders(topics: string[]): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        const metadata = await this.admin("Kafka could not read topic metadata", { topic: topics[0] }, (admin) => admin.metadata({ topics, forceUpdate: true }));
        const leaderless = topics.find((t) => {
          const m = metadata.topics.get(t);
          return m === undefined || m.partitionsCount === 0 || m.partitions.some((p) => p === undefined || p.leader < 0);
        });
        if (leaderless === undefined) return;
        throw new KafkaConnectorError("Kafka topic has partitions without a leader", { topic: leaderless });
      } catch (error) {
        if (attempt >= 50) throw error;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
  }

  private metadata(topics: readonly string[]): Promise<ClusterMetadata> {
    return this.admin("Kafka could not read topic metadata", { topic: topics[0] }, (admin) => admin.metadata({ topics: [...topics] }));
  }

  /** Offsets per `partitionKey` at `timestamp` (or EARLIEST/LATEST), -1 where the broker has none. */
  private async listOffsets(partitions: readonly TopicPartition[], timestamp: bigint): Promise<Map<string, number>> {
    const byTopic = new Map<string, { partitionIndex: number; timestamp: bigint }[]>();
    for (const { topic, partition } of partitions) {
      let list = byTopic.get(topic);
      if (list === undefined) byTopic.set(topic, (list = []));
      list.push({ partitionIndex: partition, timestamp });
    }
    const answer = await this.admin("Kafka could not list offsets", { topic: partitions[0]?.topic }, (admin) =>
      // read_committed, as kafkajs lists them: "latest" is the last stable offset, so an upstream
      // transaction still open is neither a bounded read's end nor records the stall watch waits for.
      admin.listOffsets({ isolationLevel: FetchIsolationLevels.READ_COMMITTED, topics: [...byTopic].map(([name, parts]) => ({ name, partitions: parts })) }),
    );
    const result = new Map<string, number>();
    for (const t of answer) for (const p of t.partitions) result.set(partitionKey(t.name, p.partitionIndex), Number(p.offset));
    return result;
  }

  /** Runs an admin call (the library retries transient errors itself); failures become connector errors naming the topic. */
  private async admin<T>(message: string, position: { topic?: string | undefined }, call: (admin: Admin) => Promise<T>): Promise<T> {
    this.adminClient ??= new Admin(this.base);
    try {
      return await call(this.adminClient);
    } catch (error) {
      // Every connector's first call goes through here (partitions, ping), so credentials are judged once, here.
      if (isAuthenticationFailure(error)) throw new KafkaAuthenticationError(describe(error), { cause: error });
      throw new PlatformaticKafkaError(message, position.topic === undefined ? {} : { topic: position.topic }, error);
    }
  }
}

function withOffsets(partitions: readonly TopicPartition[], offsets: Map<string, number>): PartitionOffset[] {
  return partitions.map((tp) => ({ ...tp, offset: Math.max(0, offsets.get(partitionKey(tp.topic, tp.partition)) ?? 0) }));
}
