import type { KeyedProcessFunction } from "../api/keyedFunctions.js";
import type { OutputTag } from "../api/OutputTag.js";
import { DEAD_LETTERS } from "../api/OutputTag.js";
import { UserFunctionError } from "../errors/errors.js";
import { messages } from "../errors/messages.js";
import { KeyedProcessOperator } from "../operators/KeyedProcessOperator.js";
import type { DeadLetter, ErrorPolicy, Operator, OperatorContext, OperatorFactory, Output } from "../operators/Operator.js";
import { ManualClock } from "./ManualClock.js";

/**
 * Drives one operator subtask directly — no job, no scheduler — so a test controls exactly which
 * records, watermarks and processing times it sees (Flink's operator test harness).
 * `snapshot()` + `OperatorHarness.restore(...)` test that state survives a checkpoint.
 *
 * @example
 * const h = await OperatorHarness.forKeyedProcess(myFunction, (e: Click) => e.user);
 * h.processElement({ user: "a", ts: 5 }, 5);
 * h.processWatermark(100);
 * assert.deepEqual(h.output, [...]);
 */
export class OperatorHarness<IN, OUT> {
  /** Main output, in emission order. */
  readonly output: OUT[] = [];
  readonly outputTimestamps: number[] = [];
  /** Watermarks the operator forwarded or emitted (only those > the previous one). */
  readonly watermarks: number[] = [];
  private readonly side = new Map<string, unknown[]>();
  readonly clock: ManualClock;
  private watermark = Number.NEGATIVE_INFINITY;
  readonly operator: Operator<IN>;
  readonly context: OperatorContext<OUT>;

  private constructor(factory: OperatorFactory, options: HarnessOptions) {
    this.clock = options.clock ?? new ManualClock(0);
    const self = this;
    const output: Output<OUT> = {
      emit: (value, ts) => {
        self.output.push(value);
        self.outputTimestamps.push(ts);
      },
      emitBatch: (values, ts) => {
        for (let i = 0; i < values.length; i++) output.emit(values[i]!, ts[i]!);
      },
      emitSide: (tag, value) => {
        const list = self.side.get(tag.id) ?? [];
        list.push(value);
        self.side.set(tag.id, list);
      },
    };
    const errorPolicy: ErrorPolicy = options.errorPolicy ?? "fail";
    const where = { job: "harness", operator: options.name ?? "operator", subtask: options.subtask ?? 0 };
    this.context = {
      jobName: where.job,
      operatorName: where.operator,
      operatorId: 1,
      subtask: where.subtask,
      parallelism: options.parallelism ?? 1,
      maxParallelism: options.maxParallelism ?? 128,
      clock: this.clock,
      output,
      errorPolicy,
      counters: { lateRecordsDropped: 0, deadLetters: 0 },
      autoWatermarkInterval: 200,
      watermarks: {
        emitWatermark: (w) => self.recordWatermark(w),
        markIdle: () => {},
        markActive: () => {},
      },
      currentWatermark: () => self.watermark,
      userError(cause, record, timestamp, key) {
        const ctx = { ...where, key, record, timestamp };
        const error = new UserFunctionError(messages.userFunctionFailed(ctx, cause), ctx, { cause });
        if (errorPolicy === "fail") throw error;
        this.counters.deadLetters++;
        const letter: DeadLetter = {
          job: where.job,
          operator: where.operator,
          subtask: where.subtask,
          reason: String((cause as Error)?.message ?? cause),
          errorType: error.name,
          record,
          at: self.clock.now(),
        };
        output.emitSide(DEAD_LETTERS, letter, timestamp);
      },
      badRecord(error, raw) {
        if (errorPolicy === "fail") throw error;
        this.counters.deadLetters++;
        output.emitSide(
          DEAD_LETTERS,
          { job: where.job, operator: where.operator, subtask: where.subtask, reason: error.message, errorType: error.name, record: raw, at: self.clock.now() },
          Number.NaN,
        );
      },
    };
    this.operator = factory(this.context) as Operator<IN>;
  }

  /** A harness around any operator factory (as passed to `DataStream.transform`). Opens the operator. */
  static async create<IN, OUT>(factory: OperatorFactory, options: HarnessOptions = {}): Promise<OperatorHarness<IN, OUT>> {
    const harness = new OperatorHarness<IN, OUT>(factory, options);
    await harness.operator.open?.();
    return harness;
  }

  static forKeyedProcess<K, IN, OUT>(fn: KeyedProcessFunction<K, IN, OUT>, keySelector: (value: IN) => K, options: HarnessOptions = {}): Promise<OperatorHarness<IN, OUT>> {
    return OperatorHarness.create<IN, OUT>((ctx) => new KeyedProcessOperator(fn, [keySelector], ctx), options);
  }

  /** A new harness whose operator starts from `snapshot` (from `snapshot()` of another harness). */
  static async restore<IN, OUT>(factory: OperatorFactory, snapshot: HarnessSnapshot, options: HarnessOptions = {}): Promise<OperatorHarness<IN, OUT>> {
    const harness = new OperatorHarness<IN, OUT>(factory, { ...options, clock: options.clock ?? new ManualClock(snapshot.processingTime) });
    if (snapshot.state !== undefined) harness.operator.restoreState?.(structuredClone(snapshot.state));
    harness.watermark = snapshot.watermark;
    await harness.operator.open?.();
    return harness;
  }

  processElement(value: IN, timestamp = Number.NaN, input = 0): void | Promise<void> {
    return this.operator.processBatch({ values: [value], timestamps: [timestamp] }, input);
  }

  processElements(values: readonly IN[], timestamps: readonly number[] = values.map(() => Number.NaN), input = 0): void | Promise<void> {
    return this.operator.processBatch({ values, timestamps }, input);
  }

  processWatermark(watermark: number): void {
    if (watermark <= this.watermark) return;
    this.watermark = watermark;
    this.operator.onWatermark?.(watermark);
    if (this.operator.generatesWatermarks !== true) this.recordWatermark(watermark);
  }

  /** Moves processing time and fires due processing-time timers. */
  setProcessingTime(time: number): void {
    this.clock.setTime(time);
    const next = this.operator.nextProcessingTime?.() ?? Number.POSITIVE_INFINITY;
    if (next <= time) this.operator.onProcessingTime?.(time);
  }

  sideOutput<S>(tag: OutputTag<S>): S[] {
    return (this.side.get(tag.id) ?? []) as S[];
  }

  get counters(): OperatorContext<OUT>["counters"] {
    return this.context.counters;
  }

  snapshot(): HarnessSnapshot {
    return { state: structuredClone(this.operator.snapshotState?.()), watermark: this.watermark, processingTime: this.clock.now() };
  }

  /** End of input: the final watermark, then `finish()`. */
  async finish(): Promise<void> {
    this.processWatermark(Number.POSITIVE_INFINITY);
    await this.operator.finish?.();
  }

  async close(): Promise<void> {
    await this.operator.close?.();
  }

  private recordWatermark(w: number): void {
    if (this.watermarks.length === 0 || w > this.watermarks[this.watermarks.length - 1]!) this.watermarks.push(w);
  }
}

export interface HarnessOptions {
  name?: string;
  subtask?: number;
  parallelism?: number;
  maxParallelism?: number;
  errorPolicy?: ErrorPolicy;
  clock?: ManualClock;
}

export interface HarnessSnapshot {
  state: unknown;
  watermark: number;
  processingTime: number;
}
