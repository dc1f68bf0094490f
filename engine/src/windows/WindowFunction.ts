import type { Collector } from "../api/functions.js";
import type { OutputTag } from "../api/OutputTag.js";
import type { TimeWindow } from "./TimeWindow.js";

/** What a window function knows about the firing it is called for. */
export interface WindowContext<K> {
  readonly key: K;
  readonly window: TimeWindow;
  /** 0 for the first firing of this window, 1, 2, ... for later ones (late data, early triggers). */
  readonly firing: number;
  /**
   * True when this firing updates a result already final by the watermark (a late record within
   * allowed lateness). Downstream should replace the earlier result for the same key and window.
   */
  readonly late: boolean;
  currentWatermark(): number;
  currentProcessingTime(): number;
  output<S>(tag: OutputTag<S>, value: S): void;
}

/**
 * Called when a window fires, with all its records (`process`) or the single pre-aggregated result
 * (`aggregate(agg, fn)` / `reduce(fn, windowFn)`). It emits through `out` (any number of results, as
 * in Flink) or returns its one result (`undefined` emits nothing). TypeScript cannot infer `OUT`
 * from calls to `out.collect` in the body, so the returning form is the one whose output type is
 * inferred; the collecting form needs `out: Collector<X>` annotated.
 *
 * @example
 * .aggregate(Aggregators.count(), (page, ctx, [n]) => ({ page, start: ctx.window.start, n }))
 * .process((key, ctx, views, out: Collector<Row>) => { for (const v of views) out.collect(row(key, v)); })
 */
export type ProcessWindowFunction<IN, OUT, K> = (key: K, ctx: WindowContext<K>, elements: readonly IN[], out: Collector<OUT>) => OUT | void;

/**
 * A window's result with its key and bounds, as emitted by `aggregateWithWindow` and `count()`.
 * Upsert by `(key, start)`: a record with a higher `firing` replaces an earlier one.
 */
export interface WindowResult<K, V> {
  key: K;
  start: number;
  end: number;
  value: V;
  firing: number;
  late: boolean;
}
