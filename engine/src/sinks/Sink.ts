import type { ConnectorStatus } from "../connectors/ConnectorStatus.js";

/**
 * Where a stream ends. Like sources, a `Sink` is configuration and each sink subtask gets its own
 * `SinkWriter`. Chart, DuckDB and Kafka sinks implement this same interface.
 *
 * Call order per writer: `open` → (`write` | `onWatermark`)* → `flush` (bounded input ended) → `close`
 * (always). Calls never overlap: if `write` returns a promise, the next call waits for it, and upstream
 * operators stop once the queues in front of this sink are full (back-pressure).
 *
 * @example
 * const logSink: Sink<string> = {
 *   name: "log",
 *   createWriter: () => ({ write: (values) => { for (const v of values) console.log(v); } }),
 * };
 * stream.sinkTo(logSink);
 */
export interface Sink<T> {
  readonly name: string;
  /** Upper bound on useful parallelism (e.g. 1 for a single output file). */
  readonly maxParallelism?: number;
  createWriter(ctx: SinkContext): SinkWriter<T>;
}

export interface SinkContext {
  readonly jobName: string;
  readonly subtask: number;
  readonly parallelism: number;
}

export interface SinkWriter<T> {
  open?(): void | Promise<void>;
  /** `timestamps` are event times parallel to `values` (NaN = none). Arrays are read-only. */
  write(values: readonly T[], timestamps: readonly number[]): void | Promise<void>;
  /** Synchronous on purpose: watermarks must not overtake records, so a sink only notes them here. */
  onWatermark?(watermark: number): void;
  /** Input ended: write out anything buffered. */
  flush?(): void | Promise<void>;
  close?(): void | Promise<void>;
  /** This subtask's link to the system it writes to, for `JobMetrics.connectors` (as `SourceReader.connectorStatus`). */
  connectorStatus?(): ConnectorStatus | undefined;
  /**
   * What to keep in a checkpoint so that, after a restore, the output can be rolled back to that point
   * (e.g. a file's length, a transaction id). Called when the checkpoint barrier reaches this writer.
   */
  snapshotState?(): unknown;
  /** Called before `open()` when the job restarts from a checkpoint. */
  restoreState?(state: unknown): void;

  // Two-phase commit (Flink's TwoPhaseCommitSinkFunction / Sink V2 committer), all optional. A writer
  // with `prepareCommit` makes its output visible only for checkpoints that completed:
  //   write* → prepareCommit(n) → write* → commit(n) → … ; abort() on failure or cancel.
  // End of bounded input: `flush`, then a final checkpoint (id n) of the finished job prepares the
  // tail (`prepareCommit(n)`) and commits it once durable (`commit(n)`), as Flink's FLIP-147; a crash
  // before that restores the previous checkpoint, a crash after it recovers the tail from the final
  // one. Without checkpointing, `prepareCommit(END_OF_INPUT_COMMIT)` and `commit(END_OF_INPUT_COMMIT)`
  // follow `flush` at once. `flush` itself never commits.

  /**
   * Phase one: the barrier of checkpoint `checkpointId` reached this writer (after every write before
   * it). End the current unit of output (transaction, staging file) and return its committable: a
   * JSON-serializable handle stored in the checkpoint for this subtask. A rejection fails the job.
   */
  prepareCommit?(checkpointId: number): unknown | Promise<unknown>;
  /**
   * Phase two: checkpoint `checkpointId` is completely and durably written; make what it prepared
   * visible. Also commits anything prepared for earlier checkpoints that were aborted. May run while a
   * `write` is pending (a writer that holds writes until the commit relies on this); the next
   * checkpoint starts only after it settled. A rejection fails the job; the restored job then gets
   * the committable in `recoverCommittables`.
   */
  commit?(checkpointId: number): void | Promise<void>;
  /**
   * Checkpoint `checkpointId` failed after this writer prepared it: it will never be committed as
   * such; keep its output for the next checkpoint (whose `commit` then covers it).
   */
  checkpointAborted?(checkpointId: number): void | Promise<void>;
  /**
   * The job failed or was cancelled: drop the output no checkpoint holds (at least the open unit).
   * Output prepared for a checkpoint that may be durable (its commit failed, or it was being written)
   * may be left for `recoverCommittables` of the restored job, as the Kafka writer does. Called
   * before `close()`.
   */
  abort?(): void | Promise<void>;
  /**
   * The job is being cancelled: stop waiting for an external system (a retry loop ends at its next
   * attempt), so the job can end; what a call in flight throws from now on is a consequence of the
   * cancel, not a failure. `abort()` and `close()` follow.
   */
  cancel?(): void;
  /**
   * Restore: the committables the restored checkpoint holds for this subtask (prepared, possibly never
   * committed because the job died before `commit`); after rescaling, subtask 0 gets all of them.
   * Called after `restoreState` and before `open()` (opening may fence what the crashed run left
   * open); must be idempotent, since the same checkpoint can be restored more than once.
   */
  recoverCommittables?(committables: readonly unknown[]): void | Promise<void>;
  /**
   * For writers whose prepared output cannot be committed by another process after a crash (so
   * `recoverCommittables` cannot finish it): commit after the checkpoint file is written but before it
   * becomes the latest one. A crash in between restores the previous checkpoint and replays the
   * interval (at-least-once for that interval) instead of losing it.
   */
  readonly commitBeforeCheckpointPublished?: boolean;
}
