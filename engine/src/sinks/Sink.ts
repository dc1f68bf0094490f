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
  /**
   * What to keep in a checkpoint so that, after a restore, the output can be rolled back to that point
   * (e.g. a file's length, a transaction id). Called when the checkpoint barrier reaches this writer.
   */
  snapshotState?(): unknown;
  /** Called before `open()` when the job restarts from a checkpoint. */
  restoreState?(state: unknown): void;
}
