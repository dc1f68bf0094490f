import type { Clock } from "./Clock.js";
import type { Duration } from "./Time.js";
import { MIN_WATERMARK } from "./Watermark.js";

/** Where a generator sends watermarks and idleness. The runtime keeps emitted watermarks monotonic. */
export interface WatermarkOutput {
  emitWatermark(watermark: number): void;
  /** No data for a while: downstream stops waiting for this input when computing its minimum watermark. */
  markIdle(): void;
  markActive(): void;
}

/**
 * Decides watermarks from the events it sees (Flink's interface).
 *
 * Call order, per source subtask: `onEvent` for every record of a batch in arrival order, then
 * `onPeriodicEmit` once after the batch, and additionally every `autoWatermarkInterval` ms of
 * processing time while the source waits for data. A watermark emitted from `onEvent` (a punctuated
 * generator) goes downstream right after that record, before the rest of the batch, as in Flink.
 */
export interface WatermarkGenerator<T> {
  onEvent(event: T, timestamp: number, output: WatermarkOutput): void;
  onPeriodicEmit(output: WatermarkOutput): void;
}

export interface WatermarkGeneratorContext {
  clock: Clock;
}

/** Emits `maxTimestamp - maxOutOfOrderness - 1`: records up to `maxOutOfOrderness` ms late are still on time. */
export class BoundedOutOfOrdernessWatermarks<T> implements WatermarkGenerator<T> {
  // Transient, rebuilt after restore from the first records seen (Flink does the same).
  private maxTimestamp = MIN_WATERMARK;

  constructor(private readonly maxOutOfOrderness: Duration) {
    if (!(maxOutOfOrderness >= 0)) throw new RangeError(`maxOutOfOrderness must be >= 0, got ${maxOutOfOrderness}`);
  }

  onEvent(_event: T, timestamp: number): void {
    if (timestamp > this.maxTimestamp) this.maxTimestamp = timestamp;
  }

  onPeriodicEmit(output: WatermarkOutput): void {
    if (this.maxTimestamp !== MIN_WATERMARK) output.emitWatermark(this.maxTimestamp - this.maxOutOfOrderness - 1);
  }
}

/** Never emits a watermark: event-time windows only fire at the end of a bounded input. */
export class NoWatermarksGenerator<T> implements WatermarkGenerator<T> {
  onEvent(): void {}
  onPeriodicEmit(): void {}
}

/**
 * Wraps a generator and marks the stream idle after `idleTimeout` ms of processing time without events,
 * so one quiet partition does not hold back the watermark of the whole job.
 */
export class WatermarksWithIdleness<T> implements WatermarkGenerator<T> {
  private lastEventAt: number;
  private idle = false;

  constructor(
    private readonly inner: WatermarkGenerator<T>,
    private readonly idleTimeout: Duration,
    private readonly clock: Clock,
  ) {
    this.lastEventAt = clock.now();
  }

  onEvent(event: T, timestamp: number, output: WatermarkOutput): void {
    this.lastEventAt = this.clock.now();
    if (this.idle) {
      this.idle = false;
      output.markActive();
    }
    this.inner.onEvent(event, timestamp, output);
  }

  onPeriodicEmit(output: WatermarkOutput): void {
    if (this.idle) return;
    if (this.clock.now() - this.lastEventAt >= this.idleTimeout) {
      this.idle = true;
      output.markIdle();
      return;
    }
    this.inner.onPeriodicEmit(output);
  }
}
