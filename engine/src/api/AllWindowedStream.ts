import type { Duration } from "../time/Time.js";
import type { AggregateFunction } from "../windows/AggregateFunction.js";
import type { Trigger } from "../windows/Trigger.js";
import type { WindowContext } from "../windows/WindowFunction.js";
import type { DataStream } from "./DataStream.js";
import type { Collector, ReduceFunction } from "./functions.js";
import type { OutputTag } from "./OutputTag.js";
import type { WindowedStream } from "./WindowedStream.js";

/** What an all-window function knows about the firing: a `WindowContext` without a key. */
export type AllWindowContext = Omit<WindowContext<unknown>, "key">;

/**
 * Flink's ProcessAllWindowFunction: called when a window of the whole stream fires. Emits through `out`
 * or returns its one result (then its type is inferred; `undefined` emits nothing).
 */
export type ProcessAllWindowFunction<IN, OUT> = (ctx: AllWindowContext, elements: readonly IN[], out: Collector<OUT>) => OUT | void;

/**
 * Windows over the whole stream, not per key (`DataStream.windowAll`). As in Flink, every record goes
 * to one subtask: the window step runs with parallelism 1 and cannot be given more (Flink keys the
 * stream by a constant and forces the operator non-parallel; so does this).
 *
 * @example
 * views.windowAll(TumblingEventTimeWindows.of(Time.seconds(10)))
 *   .aggregate(Aggregators.count(), (ctx, [n]) => ({ start: ctx.window.start, views: n }))
 */
export class AllWindowedStream<T> {
  /** @internal */
  constructor(private readonly windowed: WindowedStream<T, number>) {}

  /** Replaces the assigner's default trigger. */
  trigger(trigger: Trigger): this {
    this.windowed.trigger(trigger);
    return this;
  }

  /** Keep windows `lateness` ms of event time after their end and re-fire them for late records. */
  allowedLateness(lateness: Duration): this {
    this.windowed.allowedLateness(lateness);
    return this;
  }

  /** Records too late for every window they belong to go to this side output instead of being dropped. */
  sideOutputLateData(tag: OutputTag<T>): this {
    this.windowed.sideOutputLateData(tag);
    return this;
  }

  /** Keep only the last `n` records of each window (used by sliding `countWindowAll`). */
  evictToLast(n: number): this {
    this.windowed.evictToLast(n);
    return this;
  }

  /** Incremental reduce over each window; with `windowFn`, its result is handed to it with the window metadata. */
  reduce(fn: ReduceFunction<T>): DataStream<T>;
  reduce<OUT>(fn: ReduceFunction<T>, windowFn: ProcessAllWindowFunction<T, OUT>): DataStream<OUT>;
  reduce<OUT>(fn: ReduceFunction<T>, windowFn?: ProcessAllWindowFunction<T, OUT>): DataStream<T> | DataStream<OUT> {
    if (windowFn === undefined) return nonParallel(this.windowed.reduce(fn), "windowAll.reduce");
    return nonParallel(this.windowed.reduce(fn, keyless(windowFn)), "windowAll.reduce");
  }

  /** Incremental aggregation over each window; with `windowFn`, its single result is handed to it with the window metadata. */
  aggregate<ACC, R>(agg: AggregateFunction<T, ACC, R>): DataStream<R>;
  aggregate<ACC, R, OUT>(agg: AggregateFunction<T, ACC, R>, windowFn: ProcessAllWindowFunction<R, OUT>): DataStream<OUT>;
  aggregate<ACC, R, OUT>(agg: AggregateFunction<T, ACC, R>, windowFn?: ProcessAllWindowFunction<R, OUT>): DataStream<R> | DataStream<OUT> {
    if (windowFn === undefined) return nonParallel(this.windowed.aggregate(agg), "windowAll.aggregate");
    return nonParallel(this.windowed.aggregate(agg, keyless(windowFn)), "windowAll.aggregate");
  }

  /** All records of a window at once (kept in state until the window fires). */
  process<OUT>(fn: ProcessAllWindowFunction<T, OUT>): DataStream<OUT> {
    return nonParallel(this.windowed.process(keyless(fn)), "windowAll.process");
  }
}

function keyless<IN, OUT>(fn: ProcessAllWindowFunction<IN, OUT>) {
  return (_key: number, ctx: WindowContext<number>, elements: readonly IN[], out: Collector<OUT>): OUT | void => fn(ctx, elements, out);
}

function nonParallel<R>(stream: DataStream<R>, name: string): DataStream<R> {
  return stream.name(name).setMaxParallelism(1).setParallelism(1);
}
