import type { Clock } from "../time/Clock.js";
import type { ConnectorStatus } from "./ConnectorStatus.js";

/**
 * A source of records. The `Source` is configuration (created in a cell, reusable); each running
 * subtask gets its own `SourceReader` (Bytewax's config/runtime split).
 *
 * @example
 * const source: Source<number> = {
 *   name: "numbers", bounded: true, maxParallelism: 1,
 *   createReader: () => { let i = 0; return { poll: (max) => {
 *     const values = []; while (values.length < max && i < 10) values.push(i++);
 *     return { values, end: i >= 10 };
 *   } }; },
 * };
 */
export interface Source<T> {
  readonly name: string;
  /** Bounded sources end; the job then finishes once all data is processed. */
  readonly bounded: boolean;
  /** Upper bound on useful parallelism, e.g. 1 for a single file. Undefined = any. */
  readonly maxParallelism?: number;
  createReader(ctx: SourceReaderContext): SourceReader<T>;
  /**
   * Lets a job be restored with another parallelism for this source. Given the positions of all
   * subtasks of the checkpoint (`snapshotPosition` results, in subtask order, unfinished and
   * finished alike), returns one position that every new subtask is restored from; each reader
   * then keeps the part it owns. Only for sources whose positions are keyed by split, not by
   * subtask. Without it, a restore at another parallelism fails with a `CheckpointError`.
   *
   * @example
   * // Positions are { [split]: nextOffset }; a reader reads the splits `hash(split) % parallelism` picks.
   * mergePositions: (positions) => Object.assign({}, ...(positions as Record<string, number>[])),
   */
  mergePositions?(positions: readonly unknown[]): unknown;
}

export interface SourceReaderContext {
  readonly subtask: number;
  readonly parallelism: number;
  readonly clock: Clock;
  readonly jobName: string;
  /**
   * Reports a record that cannot be parsed. Under the `dead-letter` error policy it becomes a dead
   * letter and the reader goes on; otherwise this throws a `ParseError` that fails the job.
   */
  badRecord(reason: string, raw: unknown, position: { source?: string; offset?: number; line?: number }): void;
}

/** What one poll returns. */
export interface SourcePoll<T> {
  values: T[];
  /** Timestamps the source knows (e.g. Kafka record time), parallel to `values`. */
  timestamps?: number[];
  /** Readers with `splits()`: the split each record came from, parallel to `values`. */
  splits?: readonly string[];
  /** No more data will come (bounded sources). */
  end?: boolean;
  /** Nothing to read before this processing time (e.g. a rate limit or a file tail waiting for writes). */
  retryAt?: number;
}

export interface SourceReader<T> {
  open?(): void | Promise<void>;
  /**
   * Returns up to `maxRecords` records. Returning a promise parks this subtask until it settles; the
   * rest of the job keeps running. An empty result without `end` or `retryAt` is retried shortly.
   */
  poll(maxRecords: number): SourcePoll<T> | Promise<SourcePoll<T>>;
  /**
   * Position to resume from after a restore (JSON-serializable): the first record not yet returned by
   * a poll. Return a fresh value each call (or one the reader never mutates): the engine keeps it.
   *
   * The engine takes it just before every poll when checkpointing is on, and a checkpoint barrier
   * that goes out while that poll is in flight (its promise pending, or its records not yet emitted)
   * records that earlier position; the poll's records then follow the barrier and are read again
   * after a restore. So a reader may advance its position anywhere inside `poll`, before or after
   * any `await`, and so may a wrapper around it (a rate limiter awaiting around `poll`). Outside
   * `poll` it must not move: a position must cover exactly the records handed over by polls that
   * completed. `engine/src/testing/sourceConformance.ts` checks this for a source.
   */
  snapshotPosition?(): unknown;
  /** After a rescale (see `Source.mergePositions`): the merged position of all old subtasks. */
  restorePosition?(position: unknown): void;
  /**
   * Checkpoint `checkpointId` is durable; `position` is what `snapshotPosition` returned for it.
   * For side effects outside the engine, such as committing Kafka offsets to a consumer group for
   * monitoring (restore always uses the checkpoint). Must not block: the result is not awaited, and
   * failures are the reader's to report (they do not fail the job).
   */
  notifyCheckpointComplete?(checkpointId: number, position: unknown): void;
  /**
   * For a reader made of independent splits (Kafka partitions, files): the ids of the splits it
   * reads now, or `undefined` while that is not known yet (e.g. before it connected). With a
   * watermark strategy, each split then gets its own generator and the subtask's watermark is the
   * minimum over its splits that are not idle, as Flink's per-split watermarks: one slow split
   * holds back event time, one idle for the strategy's `withIdleness` timeout does not, and a
   * reader without splits is idle. Records name their split in `SourcePoll.splits`. Called after
   * every poll and periodically while waiting, so keep it cheap.
   */
  splits?(): readonly string[] | undefined;
  /**
   * This subtask's link to the system it reads (Kafka: connecting, retrying with the last error, or
   * running with a notice), for `JobMetrics.connectors`. Read whenever the job's metrics are, on any
   * thread; keep it cheap. Readers of nothing remote leave it out.
   */
  connectorStatus?(): ConnectorStatus | undefined;
  close?(): void | Promise<void>;
}
