import { randomUUID } from "node:crypto";
import { partitionKey, type ConsumerOptions, type KafkaRecord, type PartitionConsumer } from "../KafkaClient.js";
import { backoffDelay } from "../retry.js";
import { PlatformaticKafkaError, hasProtocolError, isTransient } from "./errors.js";
import { Consumer, FetchIsolationLevels, ListOffsetTimestamps, type BaseOptions, type ClusterMetadata } from "./library.js";
import { PartitionCursor } from "./PartitionCursor.js";
import { RecordBuffer } from "../RecordBuffer.js";

type FetchResponse = Awaited<ReturnType<Consumer["fetch"]>>;
type FetchTopics = Parameters<Consumer["fetch"]>[0]["topics"];
type FetchPartition = FetchResponse["responses"][number]["partitions"][number];

/**
 * 256 KiB per partition and round (kafkajs asks for 1 MiB): a round of 1 MiB per partition is some
 * 10 000 small records each, several times the default buffer, and the next round starts only when
 * the buffer has room; smaller rounds overlap fetching with the engine's draining better (in
 * ad-hoc runs on a loaded 2-core machine 256 KiB was never slower and often faster; see
 * bench/kafkaClientsConnector.bench.ts). A larger record still comes whole (the broker always
 * returns at least one batch). 10 MiB per request.
 */
const PARTITION_MAX_BYTES = 256 << 10;
const REQUEST_MAX_BYTES = 10 << 20;
/** Short fetch waits keep latency low; the broker answers as soon as data arrives anyway. */
const MAX_WAIT_MS = 100;
/** Waits between failed fetch rounds: 0.2, 0.4, … up to 5 s, forever. */
const FETCH_BACKOFF = { initialMs: 200, maxMs: 5_000 };

/**
 * A `PartitionConsumer` on @platformatic/kafka that reads exactly the partitions and offsets it is
 * given, without any consumer group.
 *
 * The library's streaming API (`Consumer.consume`) only reads what a consumer group assigns it
 * (MANUAL mode still joins a group and takes offsets only for assigned partitions). Its raw
 * `Consumer.fetch` (one Fetch request to one broker, fetch sessions and read replicas handled)
 * needs no group, so this runs its own loop on it: per round, one request per partition leader
 * for all our partitions at their `fetchOffset`, results applied in order by `PartitionCursor`.
 * The library `Consumer` is only a connection pool here; its `groupId` is a placeholder it never
 * joins or commits to. Positions live in the engine's checkpoints, as with KafkajsConsumer.
 *
 * Back-pressure: no fetch starts while `maxBufferedRecords` wait. The next fetch is in flight while
 * the engine drains the buffer. Failures: transient ones (broker away, leader moved) are retried
 * forever with backoff and reported as "retrying"; anything else becomes `failure`.
 */
export class PlatformaticConsumer implements PartitionConsumer {
  private readonly buffer: RecordBuffer;
  private readonly cursors = new Map<string, PartitionCursor>();
  private readonly topics: string[];
  private readonly isolationLevel: number;
  private loop: Promise<void> = Promise.resolve();
  private closed = false;
  private healthy = false;
  private wakeSleep: (() => void) | undefined;
  failure: Error | undefined;

  private constructor(
    private readonly lib: Consumer,
    private readonly options: ConsumerOptions,
  ) {
    this.buffer = new RecordBuffer(options.maxBufferedRecords);
    const readCommitted = options.isolation === "read_committed";
    this.isolationLevel = readCommitted ? FetchIsolationLevels.READ_COMMITTED : FetchIsolationLevels.READ_UNCOMMITTED;
    for (const { topic, partition, offset } of options.assignment) this.cursors.set(partitionKey(topic, partition), new PartitionCursor(topic, partition, offset, readCommitted));
    this.topics = [...new Set(options.assignment.map((a) => a.topic))];
  }

  /** Connects (the topics' metadata must be readable, or this rejects) and starts fetching. */
  static async open(base: BaseOptions, options: ConsumerOptions): Promise<PlatformaticConsumer> {
    const lib = new Consumer({
      ...base,
      groupId: `sluice-unused-${randomUUID()}`,
      maxWaitTime: MAX_WAIT_MS,
      minBytes: 1,
      maxBytes: REQUEST_MAX_BYTES,
    });
    const reader = new PlatformaticConsumer(lib, options);
    try {
      if (reader.topics.length > 0) await lib.metadata({ topics: reader.topics });
    } catch (error) {
      await lib.close().catch(() => undefined); // the metadata error is the one to report
      throw new PlatformaticKafkaError("Kafka consumer could not start", { topic: reader.topics[0] }, error);
    }
    reader.loop = reader.run();
    return reader;
  }

  get buffered(): number {
    return this.buffer.size;
  }

  take(max: number): KafkaRecord[] {
    return this.buffer.take(max);
  }

  waitForRecords(timeoutMs: number): Promise<void> {
    if (this.failure !== undefined) return Promise.resolve();
    return this.buffer.waitForRecords(timeoutMs);
  }

  fetchPosition(topic: string, partition: number): number {
    return this.cursors.get(partitionKey(topic, partition))?.position ?? 0;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.buffer.close();
    this.wakeSleep?.();
    // Closing the library's connections first ends a fetch in flight at once (it would otherwise
    // take up to MAX_WAIT_MS, or a connect timeout with retries on a dead broker); the loop then
    // sees `closed` and returns without touching the buffer.
    try {
      await this.lib.close(true);
    } finally {
      await this.loop;
    }
  }

  private async run(): Promise<void> {
    for (let failures = 0; !this.closed; ) {
      await this.buffer.waitForRoom();
      if (this.closed) return;
      try {
        await this.fetchRound();
        failures = 0;
        if (!this.healthy) {
          this.healthy = true;
          this.options.onStatus({ state: "running", attempts: 0 });
        }
      } catch (error) {
        if (this.closed) return;
        let problem = error;
        if (hasProtocolError(error, "OFFSET_OUT_OF_RANGE")) {
          try {
            await this.resetOutOfRange();
            continue;
          } catch (resetError) {
            problem = resetError; // classified like a fetch error below
          }
        }
        if (!isTransient(problem)) {
          this.fail(problem);
          return;
        }
        failures++;
        this.healthy = false;
        const wrapped = new PlatformaticKafkaError("Kafka fetch failed", { topic: this.topics[0] }, problem);
        this.options.onStatus({ state: "retrying", attempts: failures, lastError: wrapped.message });
        this.lib.clearMetadata(); // leaders may have moved
        await this.sleep(backoffDelay(failures, FETCH_BACKOFF));
      }
    }
  }

  /** One Fetch request per partition leader, concurrently; every successful answer is applied, then the first error is thrown. */
  private async fetchRound(): Promise<void> {
    const metadata = await this.lib.metadata({ topics: this.topics });
    const requests = this.requestsByLeader(metadata);
    // Shaped like the library's network errors, so it is retried like one (leaders come back).
    if (requests.size === 0) throw Object.assign(new Error("no partition of the topics has a leader"), { code: "PLT_KFK_NETWORK" });
    const names = new Map<string, string>();
    for (const topic of this.topics) {
      const id = metadata.topics.get(topic)?.id;
      if (id !== undefined) names.set(id, topic);
    }
    const settled = await Promise.allSettled([...requests].map(([node, topics]) => this.fetch(node, topics, this.isolationLevel)));
    if (this.closed) return;
    let firstError: unknown;
    const filtered: PartitionCursor[] = [];
    for (const result of settled) {
      if (result.status === "fulfilled") this.apply(result.value, names, filtered);
      else firstError ??= result.reason;
    }
    if (filtered.length > 0) await this.refetchUncommitted(filtered, metadata, names);
    if (firstError !== undefined) throw firstError;
  }

  private fetch(node: number, topics: FetchTopics, isolationLevel: number): Promise<FetchResponse> {
    return this.lib.fetch({ node, topics, isolationLevel, maxWaitTime: MAX_WAIT_MS, minBytes: 1, maxBytes: REQUEST_MAX_BYTES });
  }

  /**
   * The library's read_committed filter drops a producer's batches from the first offset of the last
   * aborted transaction the response lists for it up to its last abort marker in the response. A
   * transaction that wrote nothing to the partition (a producer killed between AddPartitionsToTxn
   * and its produce, a produce the broker refused) leaves an abort marker there but no entry in that
   * list (Kafka indexes non-empty transactions only), so a committed transaction between an aborted
   * one and such a marker vanished — seen as lost output of the exactly-once chaos test. A response
   * that lists aborted transactions is therefore not used: the partition is fetched again
   * read_uncommitted (no library filter), cut at that response's last stable offset (below it every
   * transaction is decided), and the markers decide (`ReadCommittedQueue`).
   */
  private async refetchUncommitted(cursors: readonly PartitionCursor[], metadata: ClusterMetadata, names: Map<string, string>): Promise<void> {
    const requests = this.requestsByLeader(metadata, cursors);
    const responses = await Promise.all([...requests].map(([node, topics]) => this.fetch(node, topics, FetchIsolationLevels.READ_UNCOMMITTED)));
    if (this.closed) return;
    const wanted = new Set(cursors);
    for (const response of responses) {
      for (const { cursor, partition } of this.partitionsOf(response, names)) {
        if (!wanted.has(cursor)) continue;
        // Fetch v4+ always gives it; without it nothing is known to be decided (taken next round).
        const below = partition.lastStableOffset >= 0n ? Number(partition.lastStableOffset) : cursor.fetchOffset;
        this.buffer.push(cursor.accept(partition.records ?? [], below));
      }
    }
  }

  private requestsByLeader(metadata: ClusterMetadata, cursors: Iterable<PartitionCursor> = this.cursors.values()): Map<number, FetchTopics> {
    const byNode = new Map<number, FetchTopics>();
    for (const cursor of cursors) {
      const topic = metadata.topics.get(cursor.topic);
      const leader = topic?.partitions[cursor.partition]?.leader ?? -1;
      if (topic === undefined || leader < 0) continue; // no leader now: left out of this round
      let topics = byNode.get(leader);
      if (topics === undefined) byNode.set(leader, (topics = []));
      let entry = topics.find((t) => t.topicId === topic.id);
      if (entry === undefined) topics.push((entry = { topicId: topic.id, partitions: [] }));
      entry.partitions.push({
        partition: cursor.partition,
        fetchOffset: BigInt(cursor.fetchOffset),
        partitionMaxBytes: PARTITION_MAX_BYTES,
        // -1: no leader epoch checks (positions come from checkpoints, not from this leader's log).
        currentLeaderEpoch: -1,
        lastFetchedEpoch: -1,
      });
    }
    return byNode;
  }

  /** Hands each partition's batches to its cursor; read_committed partitions the library filtered go to `filtered` instead. */
  private apply(response: FetchResponse, names: Map<string, string>, filtered: PartitionCursor[]): void {
    for (const { cursor, partition } of this.partitionsOf(response, names)) {
      if (this.isolationLevel === FetchIsolationLevels.READ_COMMITTED && (partition.abortedTransactions?.length ?? 0) > 0) filtered.push(cursor);
      else if (partition.records !== undefined && partition.records !== null && partition.records.length > 0) this.buffer.push(cursor.accept(partition.records));
    }
  }

  /** The partitions of a response that are ours, with their cursors (partitions we did not ask for can linger in a fetch session). */
  private *partitionsOf(response: FetchResponse, names: Map<string, string>): Generator<{ cursor: PartitionCursor; partition: FetchPartition }> {
    for (const t of response.responses) {
      const topic = names.get(t.topicId);
      if (topic === undefined) continue;
      for (const partition of t.partitions) {
        const cursor = this.cursors.get(partitionKey(topic, partition.partitionIndex));
        if (cursor !== undefined) yield { cursor, partition };
      }
    }
  }

  /**
   * OFFSET_OUT_OF_RANGE: a position below the log start (records deleted by retention while the job
   * was down) moves to the earliest offset, one past the end (a truncated log) to the end, as a
   * consumer with auto.offset.reset does; the skip is reported in the status.
   */
  private async resetOutOfRange(): Promise<void> {
    const [earliest, latest] = await Promise.all([
      this.lib.listOffsets({ topics: this.topics, timestamp: ListOffsetTimestamps.EARLIEST }),
      this.lib.listOffsets({ topics: this.topics, timestamp: ListOffsetTimestamps.LATEST }),
    ]);
    const moved: string[] = [];
    for (const c of this.cursors.values()) {
      const low = Number(earliest.get(c.topic)?.[c.partition] ?? 0n);
      const high = Number(latest.get(c.topic)?.[c.partition] ?? 0n);
      const target = c.fetchOffset < low ? low : c.fetchOffset > high ? high : undefined;
      if (target === undefined) continue;
      moved.push(`${c.topic}[${c.partition}] ${c.fetchOffset} -> ${target}`);
      c.seek(target);
    }
    this.options.onStatus({ state: "running", attempts: 0, lastError: `offsets out of range, skipped: ${moved.join(", ") || "none"}` });
  }

  private fail(error: unknown): void {
    this.failure = new PlatformaticKafkaError("Kafka consumer stopped", { topic: this.topics[0] }, error, false);
    this.options.onStatus({ state: "failed", attempts: 1, lastError: this.failure.message });
    this.buffer.interrupt();
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wakeSleep = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}
