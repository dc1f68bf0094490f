import type { Source, SourcePoll, SourceReader, SourceReaderContext } from "../Source.js";
import { ownerOf, partitionsOf } from "./assignment.js";
import { DeadLetterWriter } from "./DeadLetterWriter.js";
import { GroupOffsetCommitter } from "./GroupOffsetCommitter.js";
import { KafkaConnectorError, errorMessage } from "./errors.js";
import { refuseInvalidOptions, type KafkaSourceOptions } from "./KafkaSourceOptions.js";
import { valueDeserializer, type KafkaDeserializer } from "./formats.js";
import { partitionKey, type ConnectorStatus, type KafkaClient, type KafkaRecord, type PartitionConsumer, type PartitionOffset, type TopicPartition } from "./KafkaClient.js";
import { chosenKafkaLibrary, createKafkaClient, type KafkaLibrary } from "./clientChoice.js";
import { backoffDelay, StatusTracker } from "./retry.js";
import { DEFAULT_STALL_TIMEOUT_MS, StallWatch } from "./StallWatch.js";
import { decodePosition, encodePosition, mergePositions, readPosition, type DecodedPosition, type KafkaSourcePosition } from "./position.js";

export type { KafkaSourceOptions, StartFrom } from "./KafkaSourceOptions.js";

/** A `Source` that also tells each subtask's connection status (its readers report theirs to the job's metrics through `connectorStatus()`). */
export interface KafkaSource<T> extends Source<T> {
  status(): ConnectorStatus[];
}

/**
 * Reads Kafka topics. Each subtask reads a fixed share of the partitions (see `assignment.ts`);
 * its position — the next offset per partition — is what `snapshotPosition()` returns, and
 * `restorePosition()` resumes exactly there, never from a consumer group. Positions are keyed by
 * topic and partition, so the merged positions of all subtasks are a valid restore for any
 * subtask at any parallelism: the source has `mergePositions`, and a job can be restored with
 * another source parallelism. Record timestamps become the elements' source timestamps.
 *
 * @example
 * const orders = env.fromSource(Kafka.source<Order>({ brokers: ["127.0.0.1:9092"], topics: ["orders"] }));
 */
export function kafkaSource<T = unknown>(options: KafkaSourceOptions<T>): KafkaSource<T> {
  refuseInvalidOptions(options);
  const library = options.client === undefined ? chosenKafkaLibrary(options.library) : undefined;
  const statuses = new Map<number, ConnectorStatus>();
  const name = options.name ?? `kafka:${options.topics?.join(",") ?? String(options.topicPattern)}`;
  return {
    name,
    bounded: options.bounded ?? false,
    createReader: (ctx) =>
      new KafkaSourceReader(options, library, ctx, name, (s) => {
        statuses.set(ctx.subtask, s);
        options.onStatus?.(ctx.subtask, s);
      }),
    mergePositions,
    status: () => [...statuses.entries()].sort(([a], [b]) => a - b).map(([, s]) => s),
  };
}

class KafkaSourceReader<T> implements SourceReader<T> {
  private readonly client: KafkaClient;
  private readonly deserialize: KafkaDeserializer<T>;
  private readonly status: StatusTracker;
  private readonly deadLetters: DeadLetterWriter | undefined;
  private readonly committer: GroupOffsetCommitter | undefined;
  private readonly stall: StallWatch | undefined;
  private consumer: PartitionConsumer | undefined;
  private opened = false;
  private closed = false;
  private failures = 0;
  /** Checkpointed state: next offset to emit, per owned partition. */
  private positions = new Map<string, PartitionOffset>();
  /** Restored offsets of the partitions this subtask owns, until the reader (re)connects. */
  private restored: DecodedPosition | undefined;
  /** Bounded reads: end offset per owned partition. */
  private ends: PartitionOffset[] = [];
  /** `ends` by partition key: records at or past it are not part of the bounded read. */
  private endOf = new Map<string, number>();
  /** Split id ("topic[partition]") per owned partition: each gets its own watermark generator. */
  private splitIds = new Map<string, string>();
  private splitList: readonly string[] | undefined;
  /** Processing time of the next partition discovery (unbounded reads only). */
  private nextDiscoveryAt = Number.POSITIVE_INFINITY;

  constructor(
    private readonly options: KafkaSourceOptions<T>,
    library: KafkaLibrary | undefined,
    private readonly ctx: SourceReaderContext,
    private readonly name: string,
    onStatus: (status: ConnectorStatus) => void,
  ) {
    this.client = options.client ?? createKafkaClient(library, options.brokers ?? [], `sluice-${ctx.jobName}`, options.security);
    this.deserialize = options.deserializer ?? (valueDeserializer(options.format ?? "json") as KafkaDeserializer<T>);
    this.status = new StatusTracker(() => ctx.clock.now(), onStatus);
    this.deadLetters = options.deadLetterTopic === undefined ? undefined : new DeadLetterWriter(this.client, options.deadLetterTopic, this.status);
    const stallTimeout = options.stallTimeoutMs ?? DEFAULT_STALL_TIMEOUT_MS;
    if (stallTimeout !== false)
      this.stall = new StallWatch(
        stallTimeout,
        () => ctx.clock.now(),
        () => this.endOffsets(),
      );
    const client = this.client;
    if (options.groupId !== undefined && options.commitOffsetsOnCheckpoint !== false && client.commitOffsets !== undefined) {
      this.committer = new GroupOffsetCommitter(client.commitOffsets.bind(client), options.groupId, this.status);
    }
  }

  async poll(max: number): Promise<SourcePoll<T>> {
    if (!this.opened) {
      // One attempt per poll, so a dead broker at start parks nothing: the job stays responsive
      // (cancellable, other sources running) and the status says why no data comes.
      try {
        await this.connect();
        this.failures = 0;
        this.status.set({ state: "running", attempts: 0 });
      } catch (error) {
        if (error instanceof KafkaConnectorError && !error.retriable) throw error;
        this.failures++;
        if (this.options.backoff?.maxAttempts !== undefined && this.failures >= this.options.backoff.maxAttempts) {
          this.status.set({ state: "failed", attempts: this.failures, lastError: errorMessage(error) });
          throw new KafkaConnectorError(`Kafka source '${this.name}' could not start: ${errorMessage(error)}`, {}, { cause: error });
        }
        this.status.set({ state: "retrying", attempts: this.failures, lastError: errorMessage(error) });
        return { values: [], retryAt: this.ctx.clock.now() + backoffDelay(this.failures, this.options.backoff) };
      }
    }
    if (this.ctx.clock.now() >= this.nextDiscoveryAt) await this.discoverPartitions();
    const consumer = this.consumer;
    if (consumer === undefined) return { values: [], end: this.options.bounded === true, retryAt: Math.min(this.ctx.clock.now() + 1_000, this.nextDiscoveryAt) };
    if (consumer.failure !== undefined) throw consumer.failure;
    let records = consumer.take(max);
    if (records.length === 0 && !this.caughtUp(consumer)) {
      await consumer.waitForRecords(this.options.pollTimeoutMs ?? 100);
      if (consumer.failure !== undefined) throw consumer.failure;
      records = consumer.take(max);
    }
    const result = await this.decode(records);
    if (this.caughtUp(consumer)) result.end = true;
    else if (records.length > 0) this.stall?.progressed();
    else this.stall?.check(this.progressMarks(consumer));
    return result;
  }

  /** The owned partitions as "topic[partition]" once connected (before that: unknown, holding event time back). */
  splits(): readonly string[] | undefined {
    return this.splitList;
  }

  connectorStatus(): ConnectorStatus {
    return this.status.status;
  }

  snapshotPosition(): KafkaSourcePosition {
    // Before the first open, a restored position is still the truth and must survive a checkpoint.
    const bounded = this.options.bounded === true;
    if (this.opened) return encodePosition(this.positions.values(), true, bounded ? this.ends : undefined);
    return encodePosition(this.restored?.offsets.values() ?? [], this.restored?.discovered ?? false, bounded ? (this.restored?.stoppingOffsets?.values() ?? []) : undefined);
  }

  /** Monitoring: the checkpoint's offsets go to the consumer group (asynchronously; see GroupOffsetCommitter). */
  notifyCheckpointComplete(checkpointId: number, position: unknown): void {
    this.committer?.commit(checkpointId, [...decodePosition(position).values()]);
  }

  restorePosition(position: unknown): void {
    const { offsets, discovered, stoppingOffsets } = readPosition(position);
    // After rescaling, the position is the merge of all old subtasks': keep what this one owns, so
    // a checkpoint before it connects (and the group commit after it) holds only its own partitions.
    const owned = (m: Map<string, PartitionOffset>) => new Map([...m].filter(([, o]) => ownerOf(o.topic, o.partition, this.ctx.parallelism) === this.ctx.subtask));
    this.restored = { offsets: owned(offsets), discovered };
    if (stoppingOffsets !== undefined) this.restored.stoppingOffsets = owned(stoppingOffsets);
    if (this.opened) {
      // Restored while running: reopen at the restored offsets on the next poll.
      const old = this.consumer;
      this.consumer = undefined;
      this.opened = false;
      if (old !== undefined) void old.close().catch((error: unknown) => this.status.set({ state: "retrying", attempts: 0, lastError: errorMessage(error) }));
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.status.set({ state: "closed", attempts: 0 });
    try {
      await this.committer?.close();
      await this.consumer?.close();
      await this.deadLetters?.close();
    } finally {
      if (this.options.client === undefined) await this.client.close();
    }
  }

  private async connect(): Promise<void> {
    const all = await this.resolvePartitions();
    const mine = partitionsOf(all, this.ctx.subtask, this.ctx.parallelism);
    const starts = await this.startOffsets(mine);
    this.ends = this.options.bounded === true ? await this.stoppingOffsets(mine) : [];
    this.ends = this.ends.filter((e) => starts.has(partitionKey(e.topic, e.partition)));
    this.endOf = new Map(this.ends.map((e) => [partitionKey(e.topic, e.partition), e.offset]));
    this.positions = starts;
    await this.openConsumer(mine);
    this.opened = true;
    const interval = this.options.partitionDiscoveryIntervalMs ?? 300_000;
    if (this.options.bounded !== true && interval !== false && interval > 0) this.nextDiscoveryAt = this.ctx.clock.now() + interval;
  }

  /** (Re)opens the consumer on `mine`, each partition at its position (buffered records are fetched again). */
  private async openConsumer(mine: readonly TopicPartition[]): Promise<void> {
    const old = this.consumer;
    this.consumer = undefined;
    await old?.close();
    this.splitIds = new Map(mine.map((tp) => [partitionKey(tp.topic, tp.partition), `${tp.topic}[${tp.partition}]`]));
    this.splitList = [...this.splitIds.values()];
    if (mine.length === 0) return;
    this.consumer = await this.client.openConsumer({
      assignment: mine.map((tp) => this.positions.get(partitionKey(tp.topic, tp.partition))!),
      isolation: this.options.isolation ?? "read_committed",
      maxBufferedRecords: this.options.maxBufferedRecords ?? 10_000,
      onStatus: (s) => this.status.set(s),
    });
  }

  /**
   * New partitions (or topics matching the pattern) that this subtask owns are read from their
   * earliest offset, as Flink does: records written before discovery must not be skipped. A failed
   * attempt is reported in the status and tried again after the next interval.
   */
  private async discoverPartitions(): Promise<void> {
    const interval = this.options.partitionDiscoveryIntervalMs;
    this.nextDiscoveryAt = this.ctx.clock.now() + (typeof interval === "number" ? interval : 300_000);
    try {
      const mine = partitionsOf(await this.resolvePartitions(), this.ctx.subtask, this.ctx.parallelism);
      const added = mine.filter((tp) => !this.splitIds.has(partitionKey(tp.topic, tp.partition)));
      // Nothing new, and the consumer is up (a failed reopen is retried here).
      if (added.length === 0 && (this.consumer !== undefined || mine.length === 0)) return;
      const wanted = new Set(added.map((tp) => partitionKey(tp.topic, tp.partition)));
      for (const o of await this.client.offsets(uniqueTopics(added), { kind: "earliest" })) {
        const key = partitionKey(o.topic, o.partition);
        if (wanted.has(key) && !this.positions.has(key)) this.positions.set(key, o);
      }
      // Partitions gone from the metadata keep their positions (a checkpoint still restores them).
      await this.openConsumer(mine.filter((tp) => this.positions.has(partitionKey(tp.topic, tp.partition))));
    } catch (error) {
      if (error instanceof KafkaConnectorError && !error.retriable) throw error;
      // Without a consumer nothing is read: try again soon rather than after a whole interval.
      if (this.consumer === undefined) this.nextDiscoveryAt = Math.min(this.nextDiscoveryAt, this.ctx.clock.now() + 1_000);
      const { state, attempts } = this.status.status;
      this.status.set({ state, attempts, lastError: `partition discovery failed (retried in ${this.nextDiscoveryAt - this.ctx.clock.now()} ms): ${errorMessage(error)}` });
    }
  }

  private async resolvePartitions(): Promise<TopicPartition[]> {
    const pattern = this.options.topicPattern;
    const topics = pattern === undefined ? (this.options.topics ?? []) : (await this.client.listTopics()).filter((t) => !t.startsWith("__") && pattern.test(t)).sort();
    return this.client.partitions(topics);
  }

  /** Bounded reads stop where the first run would have: restored stopping offsets, else the current end. */
  private async stoppingOffsets(mine: readonly TopicPartition[]): Promise<PartitionOffset[]> {
    const restored = this.restored?.stoppingOffsets ?? new Map<string, PartitionOffset>();
    const ends = mine.flatMap((tp) => restored.get(partitionKey(tp.topic, tp.partition)) ?? []);
    const missing = mine.filter((tp) => !restored.has(partitionKey(tp.topic, tp.partition)));
    if (missing.length === 0) return ends;
    const wanted = new Set(missing.map((tp) => partitionKey(tp.topic, tp.partition)));
    const latest = await this.client.offsets(uniqueTopics(missing), { kind: "latest" });
    return ends.concat(latest.filter((o) => wanted.has(partitionKey(o.topic, o.partition))));
  }

  private async startOffsets(mine: TopicPartition[]): Promise<Map<string, PartitionOffset>> {
    const starts = new Map<string, PartitionOffset>();
    const missing: TopicPartition[] = [];
    for (const tp of mine) {
      const restored = this.restored?.offsets.get(partitionKey(tp.topic, tp.partition));
      if (restored !== undefined) starts.set(partitionKey(tp.topic, tp.partition), restored);
      else missing.push(tp);
    }
    if (missing.length === 0) return starts;
    const topics = uniqueTopics(missing);
    // Restored, and the checkpointed reader had listed its partitions: these appeared while the job
    // was down, and their records come after the checkpoint (Flink reads them from earliest too).
    const startFrom = this.restored?.discovered === true ? "earliest" : (this.options.startFrom ?? "earliest");
    let found: PartitionOffset[];
    if (startFrom === "committed") {
      found = await this.client.committedOffsets(this.options.groupId!, topics);
      const have = new Set(found.map((o) => partitionKey(o.topic, o.partition)));
      const fallbackKind = this.options.committedFallback ?? "earliest";
      if (fallbackKind === "none") {
        const without = missing.filter((tp) => !have.has(partitionKey(tp.topic, tp.partition)));
        if (without.length > 0)
          throw new KafkaConnectorError(
            `Undefined offset with no reset policy for partitions: ${without.map((tp) => `${tp.topic}-${tp.partition}`).join(", ")} (group '${this.options.groupId}' has committed none)`,
            {},
            { retriable: false },
          );
      } else {
        const fallback = await this.client.offsets(topics, { kind: fallbackKind });
        found = found.concat(fallback.filter((o) => !have.has(partitionKey(o.topic, o.partition))));
      }
    } else if (typeof startFrom === "object" && "specificOffsets" in startFrom) {
      const given = new Map(startFrom.specificOffsets.map((o) => [partitionKey(o.topic, o.partition), o]));
      found = (await this.client.offsets(topics, { kind: "earliest" })).map((o) => given.get(partitionKey(o.topic, o.partition)) ?? o);
    } else {
      found = await this.client.offsets(topics, typeof startFrom === "string" ? { kind: startFrom } : { kind: "timestamp", timestamp: startFrom.timestamp });
    }
    const wanted = new Set(missing.map((tp) => partitionKey(tp.topic, tp.partition)));
    for (const o of found) if (wanted.has(partitionKey(o.topic, o.partition))) starts.set(partitionKey(o.topic, o.partition), o);
    return starts;
  }

  private async decode(records: KafkaRecord[]): Promise<SourcePoll<T>> {
    const values: T[] = [];
    const timestamps: number[] = [];
    const splits: string[] = [];
    // Positions advance when the poll completes, not while a dead-letter write is awaited: a
    // checkpoint taken meanwhile must not skip records this poll has not emitted yet.
    const passed: PartitionOffset[] = [];
    // Records come in runs of one partition: look its key and split id up once per run.
    let run: PartitionOffset | undefined;
    let split = "";
    const bounded = this.options.bounded === true;
    for (const r of records) {
      // Fetched along with the last records before the stopping offset: written after the bounded read began.
      if (bounded && r.offset >= (this.endOf.get(partitionKey(r.topic, r.partition)) ?? Number.POSITIVE_INFINITY)) continue;
      if (run === undefined || r.partition !== run.partition || r.topic !== run.topic) {
        run = { topic: r.topic, partition: r.partition, offset: r.offset + 1 };
        passed.push(run);
        split = this.splitIds.get(partitionKey(r.topic, r.partition)) ?? `${r.topic}[${r.partition}]`;
      }
      run.offset = r.offset + 1;
      let value: T | undefined;
      try {
        value = this.deserialize(r);
      } catch (error) {
        await this.malformed(r, error);
        continue;
      }
      if (value === undefined) continue;
      values.push(value);
      timestamps.push(r.timestamp);
      splits.push(split);
    }
    for (const p of passed) this.positions.set(partitionKey(p.topic, p.partition), p);
    return { values, timestamps, splits };
  }

  private async malformed(r: KafkaRecord, error: unknown): Promise<void> {
    const reason = error instanceof SyntaxError ? `invalid JSON: ${error.message}` : errorMessage(error);
    const raw = { topic: r.topic, partition: r.partition, offset: r.offset, timestamp: r.timestamp, key: r.key?.toString("utf8") ?? null, value: r.value?.toString("utf8") ?? null };
    // Not an object literal at the call: the engine's position type has no `partition` (yet); it is
    // also in `source` ("topic[partition]") so today's dead letters show it.
    const position = { source: `${r.topic}[${r.partition}]`, offset: r.offset, topic: r.topic, partition: r.partition };
    this.ctx.badRecord(reason, raw, position); // throws under the fail policy: then no DLQ write either
    await this.deadLetters?.write(r, reason, this.name);
  }

  /** Per owned partition, how far this reader has got: records emitted or transaction markers passed. */
  private progressMarks(consumer: PartitionConsumer): Map<string, PartitionOffset> {
    const marks = new Map<string, PartitionOffset>();
    for (const [key, p] of this.positions) marks.set(key, { ...p, offset: Math.max(p.offset, consumer.fetchPosition(p.topic, p.partition)) });
    return marks;
  }

  /** The owned partitions' end offsets, bounded reads capped at their stopping offsets (for `StallWatch`). */
  private async endOffsets(): Promise<PartitionOffset[]> {
    const owned = [...this.positions.values()];
    const latest = await this.client.offsets(uniqueTopics(owned), { kind: "latest" });
    const mine = latest.filter((o) => this.positions.has(partitionKey(o.topic, o.partition)));
    return mine.map((o) => ({ ...o, offset: Math.min(o.offset, this.endOf.get(partitionKey(o.topic, o.partition)) ?? Number.POSITIVE_INFINITY) }));
  }

  /** Bounded reads: everything up to the end offsets has been emitted. */
  private caughtUp(consumer: PartitionConsumer): boolean {
    if (this.options.bounded !== true) return false;
    // A partition is done once everything before its end was emitted; or, when its last offsets are
    // transaction markers (never emitted), once fetched past the end with nothing left buffered.
    const done = (e: PartitionOffset) => (this.positions.get(partitionKey(e.topic, e.partition))?.offset ?? 0) >= e.offset;
    return this.ends.every((e) => done(e) || (consumer.buffered === 0 && consumer.fetchPosition(e.topic, e.partition) >= e.offset));
  }
}

function uniqueTopics(partitions: readonly TopicPartition[]): string[] {
  return [...new Set(partitions.map((p) => p.topic))];
}
