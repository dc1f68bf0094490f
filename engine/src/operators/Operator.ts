import type { ConnectorStatus } from "../connectors/ConnectorStatus.js";
import type { OutputTag } from "../api/OutputTag.js";
import type { Clock } from "../time/Clock.js";
import type { WatermarkOutput } from "../time/WatermarkGenerator.js";
import type { RecordBatch } from "../runtime/StreamElement.js";

/**
 * What one operator subtask does (Arroyo-style: one required method, optional hooks).
 *
 * Call order per subtask: `open` → (`processBatch` | `onWatermark` | `onProcessingTime`)* → `finish`
 * (only when every input ended, i.e. bounded input) → `close` (always, also on failure or cancel).
 * All calls happen on one thread and never overlap; an async `processBatch` or `finish` holds back the
 * next call until it settles, which is how slow sinks back-pressure.
 *
 * Batches are read-only: an operator that forwards records unchanged may pass the same arrays on.
 */
export interface Operator<IN = unknown> {
  /**
   * True for operators that make their own watermarks (timestamp assigners): the runtime then does not
   * forward input watermarks (except the final one); the operator emits through `ctx.watermarks`.
   */
  readonly generatesWatermarks?: boolean;
  open?(): void | Promise<void>;
  processBatch(batch: RecordBatch<IN>, input: number): void | Promise<void>;
  /** The combined input watermark advanced to `watermark`. Fire event-time timers here; the runtime forwards the watermark afterwards. */
  onWatermark?(watermark: number): void;
  /**
   * Input `input`'s own watermark (over its channels alone) advanced to `watermark`; called before any
   * `onWatermark` it leads to. For an operator that stands for one operator per input (sql/joins/windowGroupJoin.ts:
   * a window aggregate per side), whose late rows are those behind their own input's watermark.
   */
  onInputWatermark?(input: number, watermark: number): void;
  /**
   * The combined input went idle (every input idle: its watermark stops counting downstream) or active
   * again. Called before the status is forwarded; the runtime forwards it either way.
   */
  onWatermarkStatus?(idle: boolean): void;
  /** Earliest processing-time timer (epoch ms) or +Infinity; lets the runtime sleep until then. */
  nextProcessingTime?(): number;
  onProcessingTime?(now: number): void;
  /** All inputs ended. Emit what is left; the runtime sends end-of-stream afterwards. */
  finish?(): void | Promise<void>;
  close?(): void | Promise<void>;
  /** The job is being cancelled: stop waiting for external systems (a sink's retries); `close` follows. */
  cancel?(): void;
  /**
   * Every input delivered checkpoint `checkpointId`'s barrier: emit what must precede it (Flink's
   * prepareSnapshotPreBarrier; a mini-batch flushes its buffer so the snapshot holds no buffered input).
   * Called before `snapshotState`; what it emits goes downstream ahead of the barrier.
   */
  prepareSnapshotPreBarrier?(checkpointId: number): void;
  /** Checkpointed state of this subtask, JSON-serializable. */
  snapshotState?(): unknown;
  restoreState?(state: unknown): void;
  /** A sink's: its writer's `connectorStatus()`, for the job's metrics. */
  connectorStatus?(): ConnectorStatus | undefined;
}

/** Where an operator's results go. Timestamps are epoch ms event times (NaN = none). */
export interface Output<OUT> {
  emit(value: OUT, timestamp: number): void;
  /** Passes whole arrays on without copying when possible. The caller must not modify them afterwards. */
  emitBatch(values: readonly OUT[], timestamps: readonly number[]): void;
  emitSide<S>(tag: OutputTag<S>, value: S, timestamp: number): void;
}

/** `fail` (default) stops the job on the first failing record; `dead-letter` routes the record to dead letters and goes on. */
export type ErrorPolicy = "fail" | "dead-letter";

/**
 * A record that could not be processed, with the reason. Emitted to the `DEAD_LETTERS` side output of
 * the operator that failed, to `env.deadLetters()`, and kept (the most recent ones) in `job.deadLetters()`.
 */
export interface DeadLetter {
  job: string;
  operator: string;
  subtask: number;
  reason: string;
  /** The error's class name, e.g. `UserFunctionError`, `ParseError`. */
  errorType: string;
  record: unknown;
  key?: unknown;
  timestamp?: number;
  source?: string;
  offset?: number;
  line?: number;
  /** Processing time at which it was routed. */
  at: number;
}

/** Counters an operator can bump; they appear in `job.metrics()`. */
export interface OperatorCounters {
  lateRecordsDropped: number;
  deadLetters: number;
}

export interface OperatorContext<OUT> {
  readonly jobName: string;
  readonly operatorName: string;
  readonly operatorId: number;
  readonly subtask: number;
  readonly parallelism: number;
  readonly maxParallelism: number;
  readonly clock: Clock;
  readonly output: Output<OUT>;
  readonly errorPolicy: ErrorPolicy;
  readonly counters: OperatorCounters;
  /** Processing-time ms between periodic watermark emissions (Flink's `autoWatermarkInterval`). */
  readonly autoWatermarkInterval: number;
  /** Only for operators with `generatesWatermarks`: emit watermarks and idleness downstream. */
  readonly watermarks: WatermarkOutput;
  /** The watermark the operator has last been told about (combined over all inputs). */
  currentWatermark(): number;
  /**
   * Reports a failure of user code on one record. Under `fail` this throws a `UserFunctionError`
   * naming job, operator, key and record; under `dead-letter` it emits a dead letter and returns.
   */
  userError(cause: unknown, record: unknown, timestamp: number, key?: unknown): void;
  /** Same for a record a source could not parse. */
  badRecord(error: Error & { context?: { source?: string; offset?: number; line?: number } }, raw: unknown): void;
}

// biome-ignore lint/suspicious/noExplicitAny: a plan holds factories of every record type; each is typed where it is made
export type OperatorFactory = (ctx: OperatorContext<any>) => Operator<any>;
