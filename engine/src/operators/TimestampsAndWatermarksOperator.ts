import type { RecordBatch } from "../runtime/StreamElement.js";
import type { WatermarkGenerator, WatermarkOutput } from "../time/WatermarkGenerator.js";
import { PunctuatedBatch } from "../time/PunctuatedBatch.js";
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
  /** The batch `emit` hands to the generator: a watermark from `onEvent` goes out right after its record. */
  private readonly sending: PunctuatedBatch<T>;
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
      this.sending.flush();
      this.periodicOutput.emitWatermark(w);
    },
    markIdle: () => {
      this.sending.flush();
      this.ctx.watermarks.markIdle();
    },
    markActive: () => {
      this.sending.flush();
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
    this.sending = new PunctuatedBatch<T>((values, timestamps) => ctx.output.emitBatch(values, timestamps));
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
    const batch = this.sending;
    batch.begin(values, timestamps);
    try {
      for (let i = 0; i < values.length; i++) {
        batch.at = i;
        this.generator.onEvent(values[i]!, timestamps[i]!, this.onEventOutput);
      }
    } finally {
      batch.end();
    }
    this.generator.onPeriodicEmit(this.periodicOutput);
    this.nextPeriodicAt = this.ctx.clock.now() + this.interval;
  }

  nextProcessingTime(): number {
    return this.nextPeriodicAt;
  }

  onProcessingTime(now: number): void {
    this.nextPeriodicAt = now + this.interval;
    this.generator.onPeriodicEmit(this.periodicOutput);
  }
}
