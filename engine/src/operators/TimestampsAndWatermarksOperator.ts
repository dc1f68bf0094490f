import type { RecordBatch } from "../runtime/StreamElement.js";
import type { WatermarkGenerator, WatermarkOutput } from "../time/WatermarkGenerator.js";
import type { TimestampAssigner, WatermarkStrategy } from "../time/WatermarkStrategy.js";
import type { Operator, OperatorContext } from "./Operator.js";

/**
 * `assignTimestampsAndWatermarks` mid-pipeline. Replaces upstream watermarks with its own (only the
 * final end-of-input watermark passes through), as in Flink. A watermark the generator emits from
 * `onEvent` (punctuated) goes out right after its record; periodic ones after every batch and every
 * `interval` ms of processing time.
 */
export class TimestampsAndWatermarksOperator<T> implements Operator<T> {
  readonly generatesWatermarks = true;
  private readonly generator: WatermarkGenerator<T>;
  private readonly assigner: TimestampAssigner<T> | undefined;
  private nextPeriodicAt: number;
  /** Highest watermark this operator emitted: one that does not advance it emits nothing (and cuts no batch). */
  private emitted = Number.NEGATIVE_INFINITY;
  /**
   * The batch `emit` is handing to the generator, record by record: `sentUpTo` records of it are
   * emitted, and the generator runs `onEvent` for record `eventAt`. A watermark from `onEvent` first
   * emits the records up to and including `eventAt`, so it takes effect at the record that carried
   * it, as in Flink, whatever the batch size.
   */
  private sending: { values: readonly T[]; timestamps: readonly number[] } | undefined;
  private sentUpTo = 0;
  private eventAt = 0;
  private readonly periodicOutput: WatermarkOutput = {
    emitWatermark: (w) => {
      if (w <= this.emitted) return;
      this.emitted = w;
      this.ctx.watermarks.emitWatermark(w);
    },
    markIdle: () => this.ctx.watermarks.markIdle(),
    markActive: () => this.ctx.watermarks.markActive(),
  };
  private readonly onEventOutput: WatermarkOutput = {
    emitWatermark: (w) => {
      if (w <= this.emitted) return;
      this.emitSentPrefix();
      this.periodicOutput.emitWatermark(w);
    },
    markIdle: () => {
      this.emitSentPrefix();
      this.ctx.watermarks.markIdle();
    },
    markActive: () => {
      this.emitSentPrefix();
      this.ctx.watermarks.markActive();
    },
  };

  constructor(
    strategy: WatermarkStrategy<T>,
    private readonly ctx: OperatorContext<T>,
    private readonly interval = 200,
  ) {
    this.generator = strategy.createWatermarkGenerator({ clock: ctx.clock });
    this.assigner = strategy.timestampAssigner;
    this.nextPeriodicAt = ctx.clock.now() + interval;
  }

  processBatch(batch: RecordBatch<T>): void {
    const { values } = batch;
    const n = values.length;
    let timestamps = batch.timestamps;
    const assigner = this.assigner;
    if (assigner !== undefined) {
      const assigned: number[] = new Array<number>(n);
      const failed: number[] = [];
      let i = 0;
      while (i < n) {
        try {
          for (; i < n; i++) assigned[i] = assigner(values[i]!, batch.timestamps[i]!);
        } catch (cause) {
          this.ctx.userError(cause, values[i], batch.timestamps[i]!);
          failed.push(i);
          i++;
        }
      }
      if (failed.length > 0) {
        const skip = new Set(failed);
        const keptValues: T[] = [];
        const keptTs: number[] = [];
        for (let j = 0; j < n; j++) {
          if (!skip.has(j)) {
            keptValues.push(values[j]!);
            keptTs.push(assigned[j]!);
          }
        }
        this.emit(keptValues, keptTs);
        return;
      }
      timestamps = assigned;
    }
    this.emit(values, timestamps);
  }

  private emit(values: readonly T[], timestamps: readonly number[]): void {
    this.sending = { values, timestamps };
    this.sentUpTo = 0;
    try {
      for (let i = 0; i < values.length; i++) {
        this.eventAt = i;
        this.generator.onEvent(values[i]!, timestamps[i]!, this.onEventOutput);
      }
    } finally {
      this.sending = undefined;
    }
    // The usual case (no watermark from onEvent) passes the whole batch on without copying.
    const from = this.sentUpTo;
    if (from === 0) this.ctx.output.emitBatch(values, timestamps);
    else if (from < values.length) this.ctx.output.emitBatch(values.slice(from), timestamps.slice(from));
    this.generator.onPeriodicEmit(this.periodicOutput);
    this.nextPeriodicAt = this.ctx.clock.now() + this.interval;
  }

  /** While `emit` runs the generator: emits the batch's records up to the current one, not yet emitted. */
  private emitSentPrefix(): void {
    const batch = this.sending;
    if (batch === undefined) return;
    const from = this.sentUpTo;
    const to = this.eventAt + 1;
    if (to <= from) return;
    const whole = from === 0 && to === batch.values.length;
    this.ctx.output.emitBatch(whole ? batch.values : batch.values.slice(from, to), whole ? batch.timestamps : batch.timestamps.slice(from, to));
    this.sentUpTo = to;
  }

  nextProcessingTime(): number {
    return this.nextPeriodicAt;
  }

  onProcessingTime(now: number): void {
    this.nextPeriodicAt = now + this.interval;
    this.generator.onPeriodicEmit(this.periodicOutput);
  }
}
