import { KeyedProcessOperator } from "../operators/KeyedProcessOperator.js";
import type { Partitioning } from "../graph/StreamGraph.js";
import { CountTrigger, PurgingTrigger } from "../windows/Trigger.js";
import { GlobalWindows, type WindowAssigner } from "../windows/WindowAssigner.js";
import type { DataStream } from "./DataStream.js";
import type { Collector, KeySelector, ReduceFunction } from "./functions.js";
import type { KeyedProcessContext, KeyedProcessFunction } from "./keyedFunctions.js";
import { WindowedStream } from "./WindowedStream.js";
import { IntervalJoin } from "./joins.js";
import { extremeBy, extremeOf, sumOf, type NumericField } from "./keyedAggregations.js";

/**
 * A stream partitioned by key. Stateful steps (windows, process functions with state and timers,
 * rolling reduce) are declared here.
 *
 * @example
 * views.keyBy(v => v.page)
 *   .window(TumblingEventTimeWindows.of(Time.seconds(10)))
 *   .aggregateWithWindow(Aggregators.count())
 */
export class KeyedStream<T, K> {
  /** @internal */
  constructor(
    readonly input: DataStream<T>,
    readonly keySelector: KeySelector<T, K>,
  ) {}

  /** @internal */
  get partitioning(): Partitioning {
    return { kind: "hash", keySelector: this.keySelector };
  }

  /** Per-key logic with keyed state and timers. Accepts a `KeyedProcessFunction` object or a plain `processElement` function. */
  process<R>(fn: KeyedProcessFunction<K, T, R> | ((value: T, ctx: KeyedProcessContext<K>, out: Collector<R>) => void)): DataStream<R> {
    const pf: KeyedProcessFunction<K, T, R> = typeof fn === "function" ? { processElement: fn } : fn;
    return this.input.transform<R>("keyedProcess", (ctx) => new KeyedProcessOperator(pf, [this.keySelector], ctx), { keyed: true, partitioning: this.partitioning });
  }

  /** Rolling reduce: emits the updated value of the key after every record. */
  reduce(fn: ReduceFunction<T>): DataStream<T> {
    return this.process<T>({
      processElement(value, ctx, out) {
        const state = ctx.getState<T>("reduce");
        const current = state.value();
        const next = current === undefined ? value : fn(current, value);
        state.update(next);
        out.collect(next);
      },
    }).name("reduce");
  }

  /** Rolling sum of `field` per key (Flink's `sum`): the key's first record with `field` replaced by the running sum. */
  sum(field: NumericField<T>): DataStream<T> {
    return this.reduce(sumOf<T>(field)).name(`sum(${String(field)})`);
  }

  /** Rolling minimum of `field` (Flink's `min`): the key's FIRST record with `field` set to the minimum; use `minBy` for the record holding it. */
  min(field: keyof T): DataStream<T> {
    return this.reduce(extremeOf<T>(field, "min")).name(`min(${String(field)})`);
  }

  /** Rolling maximum of `field` (Flink's `max`): the key's FIRST record with `field` set to the maximum; use `maxBy` for the record holding it. */
  max(field: keyof T): DataStream<T> {
    return this.reduce(extremeOf<T>(field, "max")).name(`max(${String(field)})`);
  }

  /** The record with the smallest `field` so far, per key; on a tie the earlier one (`first`, default) or the later one. */
  minBy(field: keyof T, first = true): DataStream<T> {
    return this.reduce(extremeBy<T>(field, "min", first)).name(`minBy(${String(field)})`);
  }

  /** The record with the largest `field` so far, per key; on a tie the earlier one (`first`, default) or the later one. */
  maxBy(field: keyof T, first = true): DataStream<T> {
    return this.reduce(extremeBy<T>(field, "max", first)).name(`maxBy(${String(field)})`);
  }

  /** Joins with another keyed stream on time intervals; see `IntervalJoin`. */
  intervalJoin<R>(other: KeyedStream<R, K>): IntervalJoin<T, R, K> {
    return new IntervalJoin<T, R, K>(this, other);
  }

  /** Windows per key. */
  window(assigner: WindowAssigner): WindowedStream<T, K> {
    return new WindowedStream<T, K>(this, assigner);
  }

  /** Count windows: fire every `size` records of a key (every `slide` records when given). */
  countWindow(size: number, slide?: number): WindowedStream<T, K> {
    const windowed = this.window(GlobalWindows.create());
    if (slide === undefined) return windowed.trigger(PurgingTrigger.of(CountTrigger.of(size)));
    return windowed.trigger(CountTrigger.of(slide)).evictToLast(size);
  }
}
