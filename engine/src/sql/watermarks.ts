import type { WatermarkGenerator, WatermarkOutput } from "../time/WatermarkGenerator.js";
import { MIN_WATERMARK } from "../time/Watermark.js";

/** Flink's `pipeline.auto-watermark-interval` default, which its SQL watermark assigner also uses as an event-time step. */
export const AUTO_WATERMARK_INTERVAL = 200;

/**
 * The watermark of `WATERMARK FOR ts AS ts - INTERVAL 'd' …` as Flink SQL's WatermarkAssignerOperator
 * makes it: the highest `ts - d` seen (no `- 1 ms`, unlike the DataStream API's bounded
 * out-of-orderness), sent on right after the record that moved it more than the interval past the
 * last one sent (so a late record behind a jump is dropped by windows the same way as in Flink,
 * however fast the input is read), and otherwise periodically.
 */
export class SqlWatermarkAssigner<T> implements WatermarkGenerator<T> {
  private current = MIN_WATERMARK;
  private last = MIN_WATERMARK;

  constructor(
    private readonly delay: number,
    private readonly interval = AUTO_WATERMARK_INTERVAL,
  ) {}

  onEvent(_event: T, timestamp: number, output: WatermarkOutput): void {
    if (timestamp - this.delay > this.current) this.current = timestamp - this.delay;
    if (this.current - this.last > this.interval) this.advance(output);
  }

  onPeriodicEmit(output: WatermarkOutput): void {
    if (this.current > this.last) this.advance(output);
  }

  private advance(output: WatermarkOutput): void {
    this.last = this.current;
    output.emitWatermark(this.current);
  }
}
