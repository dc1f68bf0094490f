import type { RecordBatch } from "../runtime/StreamElement.js";
import { TimestampsAndWatermarks } from "../runtime/TimestampsAndWatermarks.js";
import type { WatermarkGenerator } from "../time/WatermarkGenerator.js";
import type { TimestampAssigner, WatermarkStrategy } from "../time/WatermarkStrategy.js";
import type { Operator, OperatorContext } from "./Operator.js";

/**
 * `assignTimestampsAndWatermarks` mid-pipeline. Replaces upstream watermarks with its own (only the
 * final end-of-input watermark passes through), as in Flink. Generates them as a source does
 * (`TimestampsAndWatermarks`, every `autoWatermarkInterval` ms while it waits), through its task.
 */
export class TimestampsAndWatermarksOperator<T> implements Operator<T> {
  readonly generatesWatermarks = true;
  private readonly eventTime: TimestampsAndWatermarks;

  constructor(
    strategy: WatermarkStrategy<T>,
    private readonly ctx: OperatorContext<T>,
  ) {
    // The event-time side handles records of any type; this operator's are T throughout.
    const generator = () => strategy.createWatermarkGenerator({ clock: ctx.clock }) as WatermarkGenerator<unknown>;
    const output = {
      emitBatch: (values: readonly unknown[], timestamps: readonly number[]) => ctx.output.emitBatch(values as readonly T[], timestamps),
      emitWatermark: (w: number) => ctx.watermarks.emitWatermark(w),
      markIdle: () => ctx.watermarks.markIdle(),
      markActive: () => ctx.watermarks.markActive(),
    };
    const assigner = strategy.timestampAssigner as TimestampAssigner<unknown> | undefined;
    this.eventTime = new TimestampsAndWatermarks(ctx, generator, assigner, output, ctx.autoWatermarkInterval);
  }

  processBatch(batch: RecordBatch<T>): void {
    const now = this.ctx.clock.now();
    this.eventTime.send(batch, now);
    this.eventTime.batchEnd(now);
  }

  nextProcessingTime(): number {
    return this.eventTime.nextPeriodicEmit();
  }

  onProcessingTime(now: number): void {
    this.eventTime.periodic(now);
  }
}
