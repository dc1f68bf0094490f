import type { RecordBatch } from "../runtime/StreamElement.js";
import type { Sink, SinkWriter } from "../sinks/Sink.js";
import type { Operator, OperatorContext } from "./Operator.js";

/** Hands batches to a `SinkWriter`; an async write holds this subtask (and so, upstream) until it settles. */
export class SinkOperator<T> implements Operator<T> {
  private readonly writer: SinkWriter<T>;

  constructor(sink: Sink<T>, ctx: OperatorContext<never>) {
    this.writer = sink.createWriter({ jobName: ctx.jobName, subtask: ctx.subtask, parallelism: ctx.parallelism });
  }

  open(): void | Promise<void> {
    return this.writer.open?.();
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

  snapshotState(): unknown {
    return this.writer.snapshotState?.();
  }

  restoreState(state: unknown): void {
    this.writer.restoreState?.(state);
  }
}
