import type { Duration } from "./Time.js";
import { BoundedOutOfOrdernessWatermarks, NoWatermarksGenerator, WatermarksWithIdleness, type WatermarkGenerator, type WatermarkGeneratorContext } from "./WatermarkGenerator.js";

/**
 * Extracts the event timestamp (epoch ms) of a record. `recordTimestamp` is the timestamp the source
 * attached (NaN if none).
 */
export type TimestampAssigner<T> = (element: T, recordTimestamp: number) => number;

/**
 * How a stream gets event timestamps and watermarks. Immutable: every `with...` returns a new strategy.
 *
 * @example
 * const strategy = WatermarkStrategy
 *   .forBoundedOutOfOrderness<PageView>(Time.seconds(2))
 *   .withTimestampAssigner(e => e.ts)
 *   .withIdleness(Time.seconds(10));
 * env.fromSource(DataGen.pageViews(), strategy, "views");
 */
export class WatermarkStrategy<T> {
  private constructor(
    private readonly generatorFactory: (ctx: WatermarkGeneratorContext) => WatermarkGenerator<T>,
    /** Undefined means: use the timestamp the source attached to the record. */
    readonly timestampAssigner: TimestampAssigner<T> | undefined,
    /** Processing-time ms without events after which the stream is marked idle; undefined = never. */
    readonly idleTimeout: Duration | undefined,
    /**
     * False only for `noWatermarks()`: a stream that says on purpose it has no watermarks, so the
     * plan-time check does not report event-time windows on it that fire only at end of input.
     */
    readonly emitsWatermarks = true,
  ) {}

  /** Watermark = highest timestamp seen - `maxOutOfOrderness` - 1. */
  static forBoundedOutOfOrderness<T = unknown>(maxOutOfOrderness: Duration): WatermarkStrategy<T> {
    if (!(maxOutOfOrderness >= 0)) throw new RangeError(`maxOutOfOrderness must be >= 0, got ${maxOutOfOrderness}`);
    return new WatermarkStrategy<T>(() => new BoundedOutOfOrdernessWatermarks<T>(maxOutOfOrderness), undefined, undefined);
  }

  /** For timestamps that never decrease: watermark = highest timestamp seen - 1. */
  static forMonotonousTimestamps<T = unknown>(): WatermarkStrategy<T> {
    return new WatermarkStrategy<T>(() => new BoundedOutOfOrdernessWatermarks<T>(0), undefined, undefined);
  }

  /** Timestamps but no watermarks: event-time windows fire only when a bounded input ends. */
  static noWatermarks<T = unknown>(): WatermarkStrategy<T> {
    return new WatermarkStrategy<T>(() => new NoWatermarksGenerator<T>(), undefined, undefined, false);
  }

  /** A custom generator, created once per source subtask. */
  static forGenerator<T = unknown>(factory: (ctx: WatermarkGeneratorContext) => WatermarkGenerator<T>): WatermarkStrategy<T> {
    return new WatermarkStrategy<T>(factory, undefined, undefined);
  }

  withTimestampAssigner<U extends T>(assigner: TimestampAssigner<U>): WatermarkStrategy<U> {
    return new WatermarkStrategy<U>(this.generatorFactory, assigner, this.idleTimeout, this.emitsWatermarks);
  }

  withIdleness(idleTimeout: Duration): WatermarkStrategy<T> {
    if (!(idleTimeout > 0)) throw new RangeError(`idleTimeout must be > 0, got ${idleTimeout}`);
    return new WatermarkStrategy<T>(this.generatorFactory, this.timestampAssigner, idleTimeout, this.emitsWatermarks);
  }

  createWatermarkGenerator(ctx: WatermarkGeneratorContext): WatermarkGenerator<T> {
    const inner = this.generatorFactory(ctx);
    return this.idleTimeout === undefined ? inner : new WatermarksWithIdleness(inner, this.idleTimeout, ctx.clock);
  }
}
