import type { ConnectorStatus } from "../connectors/ConnectorStatus.js";
import type { RecordBatch } from "../runtime/StreamElement.js";
import type { Sink, SinkWriter } from "../sinks/Sink.js";
import type { Operator, OperatorContext } from "./Operator.js";

/** Hands batches to a `SinkWriter`; an async write holds this subtask (and so, upstream) until it settles. */
export class SinkOperator<T> implements Operator<T> {
  private readonly writer: SinkWriter<T>;
  private recovered: readonly unknown[] = [];
  /** True when the writer does two-phase commit (`prepareCommit`); see `TwoPhaseCommitOperator`. */
  readonly twoPhaseCommit: boolean;

  constructor(sink: Sink<T>, ctx: OperatorContext<never>) {
    this.writer = sink.createWriter({ jobName: ctx.jobName, subtask: ctx.subtask, parallelism: ctx.parallelism });
    this.twoPhaseCommit = typeof this.writer.prepareCommit === "function";
  }

  get commitBeforeCheckpointPublished(): boolean {
    return this.writer.commitBeforeCheckpointPublished === true;
  }

  open(): void | Promise<void> {
    if (this.recovered.length === 0 || this.writer.recoverCommittables === undefined) return this.writer.open?.();
    // Recovery first: opening may fence what the crashed run left open (Kafka), so commit it before.
    const committables = this.recovered;
    this.recovered = [];
    return Promise.resolve(this.writer.recoverCommittables(committables)).then(() => this.writer.open?.());
  }

  processBatch(batch: RecordBatch<T>): void | Promise<void> {
    return this.writer.write(batch.values, batch.timestamps);
  }

  onWatermark(watermark: number): void {
    this.writer.onWatermark?.(watermark);
  }

  finish(): void | Promise<void> {
    return this.writer.flush?.();
  }

  close(): void | Promise<void> {
    return this.writer.close?.();
  }

  cancel(): void {
    this.writer.cancel?.();
  }

  connectorStatus(): ConnectorStatus | undefined {
    return this.writer.connectorStatus?.();
  }

  snapshotState(): unknown {
    return this.writer.snapshotState?.();
  }

  restoreState(state: unknown): void {
    this.writer.restoreState?.(state);
  }

  prepareCommit(checkpointId: number): unknown | Promise<unknown> {
    return this.writer.prepareCommit?.(checkpointId);
  }

  commit(checkpointId: number): void | Promise<void> {
    return this.writer.commit?.(checkpointId);
  }

  checkpointAborted(checkpointId: number): void | Promise<void> {
    return this.writer.checkpointAborted?.(checkpointId);
  }

  abort(): void | Promise<void> {
    return this.writer.abort?.();
  }

  setRecoveredCommittables(committables: readonly unknown[]): void {
    this.recovered = committables;
  }
}
