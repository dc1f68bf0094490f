import { randomUUID } from "node:crypto";
import type { Consumer, EachBatchPayload, Kafka, PartitionAssigner } from "kafkajs";
import { kafkajs } from "./kafkajsLibrary.js";
import { KafkaConnectorError, errorMessage } from "./errors.js";
import { partitionKey, type ConsumerOptions, type KafkaRecord, type PartitionConsumer } from "./KafkaClient.js";
import { deliverFilteredBatches } from "./kafkajsFilteredBatches.js";
import { watchOutOfRange, type OutOfRangeReset } from "./kafkajsOutOfRange.js";
import { ReadCommittedQueue, isCommitMarkerKey } from "./ReadCommittedQueue.js";
import { RecordBuffer } from "./RecordBuffer.js";
import { backoffDelay } from "./retry.js";

interface TopicPartitions {
  topic: string;
  partitions: number[];
}

/**
 * A kafkajs consumer that reads exactly the partitions and offsets it is given.
 *
 * kafkajs has no manual `assign()`; it only reads through consumer groups. So each reader joins a
 * private, single-member group (random id: a reader restarted after `kill -9` must not wait for
 * its dead predecessor's session to expire) whose assigner hands it the fixed partitions, and it
 * seeks every partition to our own position after every (re)join. Nothing is ever committed to
 * that group; the positions live in the engine's checkpoints.
 *
 * Exactly-once delivery into the buffer: `next` holds, per partition, the offset after the last
 * record buffered. The group starts "from beginning", so anything kafkajs fetches before a seek
 * takes effect is at or below our position and is dropped by the `offset < next` filter; after the
 * seek, fetching continues exactly at `next`.
 */
export class KafkajsConsumer implements PartitionConsumer {
  private readonly buffer: RecordBuffer;
  private readonly next = new Map<string, number>();
  /** Like `next`, but also past transaction markers and aborted records (from kafkajs's batch events). */
  private readonly passed = new Map<string, number>();
  /** read_committed: per partition, records waiting for their transaction's marker (see `acceptCommitted`). */
  private readonly pending = new Map<string, { held: ReadCommittedQueue; seen: number }>();
  private closed = false;
  private crashes = 0;
  failure: Error | undefined;
  /** read_committed: stops kafkajs delivering marker-only batches of our topics (see kafkajsFilteredBatches.ts). */
  private releaseFilteredBatches: () => void = () => {};
  /** Stops watching the current group for kafkajs's out-of-range resets (see kafkajsOutOfRange.ts). */
  private unwatchOutOfRange: () => void = () => {};

  /** The kafkajs consumer now in use; replaced by a fresh one when kafkajs gives up (see `crashed`). */
  private consumer!: Consumer;
  private restartTimer: ReturnType<typeof setTimeout> | undefined;

  private constructor(
    private readonly kafka: Kafka,
    private readonly options: ConsumerOptions,
    private readonly topics: TopicPartitions[],
  ) {
    this.buffer = new RecordBuffer(options.maxBufferedRecords);
    for (const { topic, partition, offset } of options.assignment) this.next.set(partitionKey(topic, partition), offset);
  }

  static async open(kafka: Kafka, options: ConsumerOptions): Promise<KafkajsConsumer> {
    const reader = new KafkajsConsumer(kafka, options, groupByTopic(options.assignment));
    // Commit markers fetched on their own must reach acceptCommitted, or their records never leave `pending`.
    if (options.isolation === "read_committed") reader.releaseFilteredBatches = deliverFilteredBatches(reader.topics.map((t) => t.topic));
    try {
      await reader.start();
    } catch (error) {
      reader.unwatchOutOfRange();
      reader.releaseFilteredBatches();
      throw error;
    }
    return reader;
  }

  /** Creates, connects and runs a kafkajs consumer over our partitions, from our positions. */
  private async start(): Promise<void> {
    const topics = this.topics;
    const groupId = `sluice-reader-${randomUUID()}`;
    this.unwatchOutOfRange();
    this.unwatchOutOfRange = watchOutOfRange(groupId, (topic, partition, reset) => this.outOfRange(topic, partition, reset));
    const consumer = this.kafka.consumer({
      groupId,
      partitionAssigners: [fixedAssigner(topics)],
      readUncommitted: this.options.isolation === "read_uncommitted",
      // Short fetch waits keep latency low; the broker answers as soon as data arrives anyway.
      maxWaitTimeInMs: 100,
      // Short sessions so a rejoin after a broker restart does not wait long for our old member.
      sessionTimeout: 10_000,
      heartbeatInterval: 1_000,
      allowAutoTopicCreation: false,
      retry: { initialRetryTime: 200, maxRetryTime: 5_000, retries: 8 },
    });
    this.consumer = consumer;
    consumer.on(consumer.events.GROUP_JOIN, () => this.seekAll());
    consumer.on(consumer.events.FETCH, () => this.healthy());
    consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => this.passedTo(payload.topic, payload.partition, Number(payload.lastOffset) + 1));
    consumer.on(consumer.events.CRASH, (event) => this.crashed(consumer, event.payload.error, event.payload.restart));
    try {
      await consumer.connect();
      await consumer.subscribe({ topics: topics.map((t) => t.topic), fromBeginning: true });
      await consumer.run({ autoCommit: false, eachBatchAutoResolve: true, eachBatch: (payload) => this.accept(payload) });
    } catch (error) {
      await consumer.disconnect().catch(() => undefined); // the original error is the one to report
      throw error;
    }
  }

  get buffered(): number {
    return this.buffer.size;
  }

  take(max: number): KafkaRecord[] {
    return this.buffer.take(max);
  }

  fetchPosition(topic: string, partition: number): number {
    const key = partitionKey(topic, partition);
    return Math.max(this.passed.get(key) ?? 0, this.next.get(key) ?? 0);
  }

  private passedTo(topic: string, partition: number, offset: number): void {
    const key = partitionKey(topic, partition);
    if (offset > (this.passed.get(key) ?? 0)) this.passed.set(key, offset);
  }

  waitForRecords(timeoutMs: number): Promise<void> {
    if (this.failure !== undefined) return Promise.resolve();
    return this.buffer.waitForRecords(timeoutMs);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.restartTimer);
    this.buffer.close(); // also ends a fetch held for room, or disconnect would wait for it forever
    try {
      await this.consumer.disconnect();
    } finally {
      this.unwatchOutOfRange();
      this.releaseFilteredBatches();
    }
  }

  private async accept({ batch, heartbeat }: EachBatchPayload): Promise<void> {
    const key = partitionKey(batch.topic, batch.partition);
    let next = this.next.get(key);
    if (next === undefined) {
      throw new KafkaConnectorError("kafkajs delivered a partition this reader was not assigned", { topic: batch.topic, partition: batch.partition }, { retriable: false });
    }
    if (this.options.isolation === "read_committed") {
      this.acceptCommitted(key, batch as unknown as RawBatch);
      await this.waitForRoom(heartbeat);
      return;
    }
    const records: KafkaRecord[] = [];
    for (const m of batch.messages) {
      const offset = Number(m.offset);
      if (offset < next) continue; // fetched again after a rejoin or before a seek took effect
      records.push({ topic: batch.topic, partition: batch.partition, offset, timestamp: Number(m.timestamp), key: m.key, value: m.value, headers: m.headers ?? {} });
      next = offset + 1;
    }
    this.next.set(key, next);
    if (records.length === 0) return;
    this.buffer.push(records);
    await this.waitForRoom(heartbeat);
  }

  /**
   * Back-pressure: while the buffer is full, hold kafkajs in `eachBatch` (it fetches the next batch
   * only after this one is processed) until the engine has taken some of it. kafkajs's pause/resume
   * would do the same, but after a resume its fetch loop first sleeps up to `maxWaitTime`, which
   * halved the source's throughput. Released as soon as there is room: the next fetch overlaps with
   * the engine draining the buffer. The group session is kept alive with heartbeats meanwhile; one
   * that fails (a rebalance) is thrown, so kafkajs rejoins and `seekAll` resumes at our positions.
   */
  private async waitForRoom(heartbeat: () => Promise<void>): Promise<void> {
    while (this.buffer.full && !this.closed) {
      await this.buffer.waitForRoom(1_000);
      if (this.buffer.full && !this.closed) await heartbeat();
    }
  }

  /**
   * read_committed without kafkajs's aborted-transaction filter. kafkajs assumes the fetch response
   * lists aborted transactions by first offset, but brokers list them in the order they were aborted,
   * so with several producers' transactions interleaved in a partition (a transactional sink with
   * parallelism > 1 restarted after a crash) kafkajs lets records of aborted transactions through.
   * Instead records wait in a `ReadCommittedQueue` per partition until their producer's marker decides
   * them. Positions only advance over emitted records, so a restore or a re-seek re-reads undecided ones.
   */
  private acceptCommitted(key: string, batch: RawBatch): void {
    let pending = this.pending.get(key);
    if (pending === undefined) this.pending.set(key, (pending = { held: new ReadCommittedQueue(), seen: this.next.get(key)! }));
    const records: KafkaRecord[] = [];
    for (const m of batch.messagesWithinOffset) {
      const offset = Number(m.offset);
      if (offset < pending.seen) continue; // fetched again after a rejoin or before a seek took effect
      pending.seen = offset + 1;
      const producer = String(m.batchContext?.producerId ?? "-1");
      if (m.isControlRecord === true) {
        pending.held.marker(producer, isCommitMarkerKey(m.key));
        continue;
      }
      const record: KafkaRecord = { topic: batch.topic, partition: batch.partition, offset, timestamp: Number(m.timestamp), key: m.key ?? null, value: m.value ?? null, headers: m.headers ?? {} };
      if (pending.held.add(record, m.batchContext?.inTransaction === true, producer)) records.push(record);
    }
    pending.held.release(records);
    if (records.length > 0) this.next.set(key, records.at(-1)!.offset + 1);
    // Everything before the first undecided record has been passed (markers and aborted records too).
    this.passedTo(batch.topic, batch.partition, pending.held.firstHeldOffset ?? pending.seen);
    this.buffer.push(records);
  }

  /**
   * kafkajs fetched below the log start (records deleted by retention or DeleteRecords before they were
   * read) and moved itself to the earliest offset. The records in between are gone: the position follows,
   * so a bounded read can end, and the skip is reported in the status (as `PlatformaticConsumer` does).
   * Past the end (a truncated log), kafkajs's earliest would refetch what was read: go to the end instead.
   */
  private outOfRange(topic: string, partition: number, reset: OutOfRangeReset): void {
    if (this.closed) return;
    const key = partitionKey(topic, partition);
    const next = this.next.get(key);
    if (next === undefined) return;
    if ("error" in reset) {
      // kafkajs goes on from the earliest offset; records after it still arrive, a bounded end may wait (StallWatch).
      this.options.onStatus({ state: "running", attempts: 0, lastError: `offset ${next} of ${topic}[${partition}] out of range, and its range could not be listed: ${errorMessage(reset.error)}` });
      return;
    }
    const target = next < reset.earliest ? reset.earliest : next > reset.latest ? reset.latest : undefined;
    if (target === undefined) return; // in range again (a follower's view, or a log start that moved back): kafkajs refetches
    if (target !== reset.earliest) this.consumer.seek({ topic, partition, offset: String(target) });
    this.next.set(key, target);
    this.passed.set(key, target);
    this.pending.delete(key);
    this.options.onStatus({ state: "running", attempts: 0, lastError: `offsets out of range, skipped: ${topic}[${partition}] ${next} -> ${target}` });
  }

  private seekAll(): void {
    // Undecided records are fetched again from our position.
    this.pending.clear();
    for (const { topic, partitions } of this.topics) {
      for (const partition of partitions) {
        this.consumer.seek({ topic, partition, offset: String(this.next.get(partitionKey(topic, partition))) });
      }
    }
  }

  private healthy(): void {
    this.crashes = 0;
    this.options.onStatus({ state: "running", attempts: 0 });
  }

  private crashed(consumer: Consumer, error: Error, restart: boolean): void {
    if (consumer !== this.consumer || this.closed) return; // a replaced consumer's last words
    this.crashes++;
    if (restart) {
      // kafkajs restarts the consumer itself (connect, rejoin, our seek); we only report it.
      this.options.onStatus({ state: "retrying", attempts: this.crashes, lastError: error.message });
      return;
    }
    if (brokerUnavailable(error)) {
      // kafkajs gives up on a broker that stays away longer than its retries (e.g. "Failed to find
      // group coordinator" while a restarted broker loads its state) and calls that final. The
      // broker may come back: start a fresh consumer later, from our positions, for as long as it takes.
      this.options.onStatus({ state: "retrying", attempts: this.crashes, lastError: error.message });
      const delay = backoffDelay(this.crashes, RESTART_BACKOFF);
      this.restartTimer = setTimeout(() => {
        if (this.closed) return;
        this.start().catch((startError: unknown) => this.crashed(this.consumer, startError instanceof Error ? startError : new Error(String(startError)), false));
      }, delay);
      return;
    }
    this.failure = new KafkaConnectorError(`Kafka consumer stopped: ${error.message}`, {}, { cause: error });
    this.options.onStatus({ state: "failed", attempts: this.crashes, lastError: error.message });
    this.buffer.interrupt();
  }
}

/** The parts of kafkajs's Batch (consumer/batch.js) read here; `messagesWithinOffset` includes control records. */
interface RawBatch {
  topic: string;
  partition: number;
  messagesWithinOffset: {
    offset: string;
    timestamp: string;
    key: Buffer | null;
    value: Buffer | null;
    headers?: KafkaRecord["headers"];
    isControlRecord?: boolean;
    batchContext?: { producerId: string | number; inTransaction: boolean };
  }[];
}

/** Waits before starting a fresh consumer: 0.5, 1, 2, … up to 10 s. */
const RESTART_BACKOFF = { initialMs: 500, maxMs: 10_000 };
/** kafkajs errors that mean "no broker answered", not "this cannot work": worth starting over. */
const UNAVAILABLE = new Set([
  "KafkaJSGroupCoordinatorNotFound",
  "KafkaJSConnectionError",
  "KafkaJSConnectionClosedError",
  "KafkaJSRequestTimeoutError",
  "KafkaJSBrokerNotFound",
  "KafkaJSNumberOfRetriesExceeded",
]);

function brokerUnavailable(error: unknown): boolean {
  for (let e: unknown = error; e instanceof Error; e = (e as { cause?: unknown }).cause) {
    if (UNAVAILABLE.has(e.name)) return true;
  }
  return false;
}

function groupByTopic(assignment: ConsumerOptions["assignment"]): TopicPartitions[] {
  const byTopic = new Map<string, number[]>();
  for (const { topic, partition } of assignment) {
    const list = byTopic.get(topic) ?? [];
    list.push(partition);
    byTopic.set(topic, list);
  }
  return [...byTopic].map(([topic, partitions]) => ({ topic, partitions: partitions.sort((a, b) => a - b) }));
}

/** A group assigner that gives the (single) member exactly the partitions we chose. */
function fixedAssigner(topics: TopicPartitions[]): PartitionAssigner {
  return () => ({
    name: "SluiceFixedAssigner",
    version: 1,
    protocol: ({ topics: subscribed }) => ({
      name: "SluiceFixedAssigner",
      metadata: kafkajs().AssignerProtocol.MemberMetadata.encode({ version: 1, topics: subscribed, userData: Buffer.alloc(0) }),
    }),
    assign: async ({ members }) => {
      const assignment = Object.fromEntries(topics.map((t) => [t.topic, t.partitions]));
      // Only one member ever joins a private group; any other gets nothing rather than duplicates.
      return members.map((member, i) => ({
        memberId: member.memberId,
        memberAssignment: kafkajs().AssignerProtocol.MemberAssignment.encode({ version: 1, assignment: i === 0 ? assignment : {}, userData: Buffer.alloc(0) }),
      }));
    },
  });
}
