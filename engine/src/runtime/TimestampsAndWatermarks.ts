import type { OperatorContext } from "../operators/Operator.js";
import { PunctuatedBatch } from "../time/PunctuatedBatch.js";
import { MAX_WATERMARK } from "../time/Watermark.js";
import type { WatermarkGenerator, WatermarkOutput } from "../time/WatermarkGenerator.js";
import { WatermarkMultiplexer, type SplitWatermark } from "../time/WatermarkMultiplexer.js";
import type { TimestampAssigner } from "../time/WatermarkStrategy.js";
import type { SourceSubtaskWatermark } from "./JobMetrics.js";

/** Watermark generation of one source subtask: one generator, or one per split (`SourceReader.splits`). */
interface SourceWatermarks {
  onEvent(value: unknown, timestamp: number, split: string | undefined): void;
  /** The one generator, when there are no splits: `sendTimestamped` calls it without a hop per record. */
  readonly single: WatermarkGenerator<unknown> | undefined;
  onPeriodicEmit(): void;
  /** After every poll: the splits the reader now reads. */
  setSplits(ids: readonly string[] | undefined): void;
  splitStates(): SplitWatermark[] | undefined;
}

/** Records a reader does not attribute to a split (no `SourcePoll.splits`) share this one. */
const DEFAULT_SPLIT = "";

/**
 * Where the event-time side sends what it makes. A source sends straight to its router; the
 * mid-pipeline operator through its context (its task then tracks the watermark it forwards).
 */
export interface EventTimeOutput {
  emitBatch(values: readonly unknown[], timestamps: readonly number[]): void;
  /** Only ever called with a watermark higher than the last one. */
  emitWatermark(watermark: number): void;
  markIdle(): void;
  markActive(): void;
}

/** What it needs of its subtask: the clock, and where a throwing timestamp assigner is reported. */
export type EventTimeContext = Pick<OperatorContext<unknown>, "clock" | "userError">;

/**
 * The event-time side of one subtask that generates watermarks (Flink's `TimestampsAndWatermarks`),
 * the one place that does it: a source, and `assignTimestampsAndWatermarks` mid-pipeline. Assigns
 * timestamps, runs the watermark generator and sends records, watermarks and idleness to `output`.
 * A watermark the generator emits from `onEvent` (punctuated) goes out right after its record;
 * periodic ones after every batch and every `periodicInterval` ms (`autoWatermarkInterval`) of
 * processing time. A source reader made of splits (`splits` given) gets one generator per split,
 * combined by a `WatermarkMultiplexer`. Keeps, for metrics, what holds event time back.
 */
export class TimestampsAndWatermarks {
  watermark = Number.NEGATIVE_INFINITY;
  private idle = false;
  private nextPeriodicAt: number;
  /** For metrics (what holds event time back): when the watermark last advanced, and the last records came. */
  private advancedAt: number;
  private lastRecordAt: number | undefined;
  /** The batch `send` hands to the generator: a watermark from `onEvent` goes out right after its record. */
  private readonly sending = new PunctuatedBatch<unknown>((values, timestamps) => this.out.emitBatch(values, timestamps));

  private readonly output: WatermarkOutput = {
    emitWatermark: (w) => {
      if (w > this.watermark) {
        this.sending.flush();
        this.activate();
        this.watermark = w;
        this.advancedAt = this.ctx.clock.now();
        this.out.emitWatermark(w);
      }
    },
    markIdle: () => {
      if (!this.idle) {
        this.sending.flush();
        this.idle = true;
        this.out.markIdle();
      }
    },
    markActive: () => this.activate(),
  };

  private readonly generators: SourceWatermarks | undefined;

  /**
   * `newGenerator` creates the strategy's generator: once, or once per split when `splits` (a
   * source reader's `splits()`) is given.
   */
  constructor(
    private readonly ctx: EventTimeContext,
    newGenerator: (() => WatermarkGenerator<unknown>) | undefined,
    private readonly assigner: TimestampAssigner<unknown> | undefined,
    private readonly out: EventTimeOutput,
    private readonly periodicInterval: number,
    private readonly splits?: () => readonly string[] | undefined,
  ) {
    this.nextPeriodicAt = ctx.clock.now() + periodicInterval;
    this.advancedAt = ctx.clock.now();
    this.generators = newGenerator === undefined ? undefined : sourceWatermarks(splits !== undefined, newGenerator, this.output, () => this.lastRecordAt);
  }

  /** Processing time of the next periodic emission (never without a watermark strategy). */
  nextPeriodicEmit(): number {
    return this.generators !== undefined ? this.nextPeriodicAt : Number.POSITIVE_INFINITY;
  }

  /** Periodic watermark generation while the source waits (needed for idleness detection). */
  periodic(now: number): boolean {
    if (this.generators === undefined || now < this.nextPeriodicAt) return false;
    this.nextPeriodicAt = now + this.periodicInterval;
    // Splits can come and go while the reader waits (a reader connecting, partitions discovered).
    this.generators.setSplits(this.splits?.());
    this.generators.onPeriodicEmit();
    return true;
  }

  /** Timestamps a batch (a source's poll) and sends it (a record whose assigner fails is left out under dead-letter). */
  send(result: { readonly values: readonly unknown[]; readonly timestamps?: readonly number[] | undefined; readonly splits?: readonly string[] | undefined }, now: number): void {
    const values = result.values;
    const n = values.length;
    this.generators?.setSplits(this.splits?.());
    if (n === 0) return;
    this.lastRecordAt = now;
    this.activate();
    const assigner = this.assigner;
    const given = result.timestamps;
    if (assigner === undefined) {
      this.sendTimestamped(values, given ?? new Array<number>(n).fill(Number.NaN), result.splits);
      return;
    }
    const timestamps = new Array<number>(n);
    // forEachRecord's loop, written out (as MapOperator's): a call of its closure per record was not inlined.
    let i = 0;
    while (i < n) {
      try {
        if (given === undefined) for (; i < n; i++) timestamps[i] = assigner(values[i], Number.NaN);
        else for (; i < n; i++) timestamps[i] = assigner(values[i], given[i] ?? Number.NaN);
      } catch (cause) {
        // Under dead-letter, the record is dropped from the batch below (marked by a -Infinity timestamp).
        this.ctx.userError(cause, values[i], given?.[i] ?? Number.NaN);
        timestamps[i] = Number.NEGATIVE_INFINITY;
        i++;
      }
    }
    if (!timestamps.includes(Number.NEGATIVE_INFINITY)) {
      this.sendTimestamped(values, timestamps, result.splits);
      return;
    }
    const keptValues: unknown[] = [];
    const keptTs: number[] = [];
    const keptSplits: string[] | undefined = result.splits === undefined ? undefined : [];
    for (let j = 0; j < n; j++) {
      if (timestamps[j] !== Number.NEGATIVE_INFINITY) {
        keptValues.push(values[j]);
        keptTs.push(timestamps[j]!);
        keptSplits?.push(result.splits![j]!);
      }
    }
    this.sendTimestamped(keptValues, keptTs, keptSplits);
  }

  /** After every poll's records: the periodic emission, and the next one `periodicInterval` from now. */
  batchEnd(now: number): void {
    if (this.generators === undefined) return;
    this.generators.onPeriodicEmit();
    this.nextPeriodicAt = now + this.periodicInterval;
  }

  private sendTimestamped(values: readonly unknown[], timestamps: readonly number[], splits: readonly string[] | undefined): void {
    const generators = this.generators;
    if (generators === undefined) {
      this.out.emitBatch(values, timestamps);
      return;
    }
    const batch = this.sending;
    batch.begin(values, timestamps);
    const single = generators.single;
    try {
      // Without splits, straight to the generator: the wrapper's call and the split lookup per record
      // were most of what a source task added to its reader's own work.
      if (single !== undefined) {
        const output = this.output;
        for (let i = 0; i < values.length; i++) {
          batch.at = i;
          single.onEvent(values[i], timestamps[i]!, output);
        }
      } else {
        for (let i = 0; i < values.length; i++) {
          batch.at = i;
          generators.onEvent(values[i], timestamps[i]!, splits?.[i]);
        }
      }
    } finally {
      batch.end();
    }
  }

  /** Called before open(): the checkpointed watermark. */
  restore(watermark: number): void {
    this.watermark = watermark;
  }

  /** End of input: active again, and the final watermark (unless it went out already). */
  finish(): void {
    this.activate();
    if (this.watermark < MAX_WATERMARK) {
      this.watermark = MAX_WATERMARK;
      this.out.emitWatermark(MAX_WATERMARK);
    }
  }

  /** This subtask's watermark for `job.metrics()`, but for what the task knows (subtask, finished). */
  info(): Omit<SourceSubtaskWatermark, "subtask" | "finished"> {
    return {
      hasStrategy: this.generators !== undefined,
      watermark: this.watermark,
      idle: this.idle,
      advancedAt: this.advancedAt,
      lastRecordAt: this.lastRecordAt,
      splits: this.generators?.splitStates(),
    };
  }

  private activate(): void {
    if (this.idle) {
      this.idle = false;
      this.out.markActive();
    }
  }
}

/** `batchTime`: processing time of the batch being read (read once per batch, not per record). */
function sourceWatermarks(perSplit: boolean, newGenerator: () => WatermarkGenerator<unknown>, output: WatermarkOutput, batchTime: () => number | undefined): SourceWatermarks {
  if (perSplit) {
    const mux = new WatermarkMultiplexer(newGenerator, output, () => batchTime() ?? Number.NaN);
    return {
      onEvent: (value, timestamp, split) => mux.onEvent(split ?? DEFAULT_SPLIT, value, timestamp),
      single: undefined,
      onPeriodicEmit: () => mux.onPeriodicEmit(),
      setSplits: (ids) => mux.setSplits(ids),
      splitStates: () => mux.splitStates(),
    };
  }
  const generator = newGenerator();
  return {
    onEvent: (value, timestamp) => generator.onEvent(value, timestamp, output),
    single: generator,
    onPeriodicEmit: () => generator.onPeriodicEmit(output),
    setSplits: () => {},
    splitStates: () => undefined,
  };
}
