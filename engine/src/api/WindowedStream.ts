import { ApiUsageError } from "../errors/errors.js";
import { WindowOperator, type WindowOperatorConfig } from "../operators/WindowOperator.js";
import { LocalWindowAggregateOperator, mergingPartials, type Partial } from "../operators/LocalWindowAggregate.js";
import type { OperatorContext } from "../operators/Operator.js";
import { partialKey } from "../graph/preAggregation.js";
import type { PreAggregation } from "../graph/StreamGraph.js";
import type { Duration } from "../time/Time.js";
import { Aggregators, type AggregateFunction } from "../windows/AggregateFunction.js";
import { isEventTimeTrigger, type Trigger } from "../windows/Trigger.js";
import type { WindowAssigner } from "../windows/WindowAssigner.js";
import type { ProcessWindowFunction, WindowContext, WindowResult } from "../windows/WindowFunction.js";
import { windowResult } from "../windows/windowResult.js";
import type { Collector, ReduceFunction } from "./functions.js";
import type { DataStream } from "./DataStream.js";
import type { KeyedStream } from "./KeyedStream.js";
import type { OutputTag } from "./OutputTag.js";

/**
 * A keyed stream cut into windows; finish it with `reduce`, `aggregate`, `process`,
 * `aggregateWithWindow` or `count`.
 *
 * Event-time windows fire when the watermark passes their end. With `allowedLateness(ms)` a window is
 * kept that much longer and fires again for every late record (`WindowContext.late` / `WindowResult.late`
 * is true, `firing` counts up); records later still go to `sideOutputLateData(tag)` or are counted as
 * `lateRecordsDropped` in the metrics.
 *
 * @example
 * const late = new OutputTag<PageView>("late");
 * const counts = views.keyBy(v => v.page)
 *   .window(TumblingEventTimeWindows.of(Time.seconds(10)))
 *   .allowedLateness(Time.seconds(5))
 *   .sideOutputLateData(late)
 *   .aggregateWithWindow(Aggregators.count());
 */
export class WindowedStream<T, K> {
  private customTrigger: Trigger | undefined;
  private lateness: Duration = 0;
  private lateTag: OutputTag<T> | undefined;
  private keepLast: number | undefined;
  private phases: "auto" | "one" = "auto";
  private keyOrder: "first-record" | "any" = "first-record";

  /** @internal */
  constructor(
    private readonly keyed: KeyedStream<T, K>,
    private readonly assigner: WindowAssigner,
  ) {}

  /** Replaces the assigner's default trigger (event time: fire at window end; global: never). */
  trigger(trigger: Trigger): this {
    this.customTrigger = trigger;
    return this;
  }

  /** Keep windows `lateness` ms of event time after their end and re-fire them for late records. */
  allowedLateness(lateness: Duration): this {
    if (!(lateness >= 0)) throw new ApiUsageError(`allowedLateness must be >= 0, got ${lateness}`);
    this.lateness = lateness;
    return this;
  }

  /** Records too late for every window they belong to go to this side output instead of being dropped. */
  sideOutputLateData(tag: OutputTag<T>): this {
    this.lateTag = tag;
    return this;
  }

  /** Keep only the last `n` records of each window (an evictor; used by sliding count windows). */
  evictToLast(n: number): this {
    if (!Number.isInteger(n) || n < 1) throw new ApiUsageError(`evictToLast needs a positive integer, got ${n}`);
    this.keepLast = n;
    return this;
  }

  /** @internal One phase even where the input crosses subtasks: the SQL planner decides its phases itself (aggPhaseStrategy.ts). */
  onePhase(): this {
    this.phases = "one";
    return this;
  }

  /** @internal A firing emits its keys in any order (the SQL planner's global phase: see `WindowOperatorConfig.anyKeyOrder`). */
  anyKeyOrder(): this {
    this.keyOrder = "any";
    return this;
  }

  /** Incremental reduce; emits the reduced record (timestamp: window end - 1). */
  reduce(fn: ReduceFunction<T>): DataStream<T>;
  reduce<OUT>(fn: ReduceFunction<T>, windowFn: ProcessWindowFunction<T, OUT, K>): DataStream<OUT>;
  reduce<OUT>(fn: ReduceFunction<T>, windowFn?: ProcessWindowFunction<T, OUT, K>): DataStream<T> | DataStream<OUT> {
    const agg: AggregateFunction<T, { v: T } | null, T> = {
      createAccumulator: () => null,
      add: (value, acc) => (acc === null ? { v: value } : { v: fn(acc.v, value) }),
      getResult: (acc) => acc!.v,
      // A new holder where one side is empty: sliced windows merge slices that other windows share.
      merge: (a, b) => (b === null ? a : a === null ? { v: b.v } : { v: fn(a.v, b.v) }),
    };
    if (windowFn === undefined) return this.build<T | null, T, T>("window.reduce", agg as AggregateFunction<T, T | null, T>, direct);
    return this.build<{ v: T } | null, T, OUT>("window.reduce", agg, (key, ctx, r, out) => callWindowFunction(windowFn, key, ctx, [r], out));
  }

  /** Incremental aggregation; with `windowFn`, its single result is handed to it with the window metadata. */
  aggregate<ACC, R>(agg: AggregateFunction<T, ACC, R>): DataStream<R>;
  aggregate<ACC, R, OUT>(agg: AggregateFunction<T, ACC, R>, windowFn: ProcessWindowFunction<R, OUT, K>): DataStream<OUT>;
  aggregate<ACC, R, OUT>(agg: AggregateFunction<T, ACC, R>, windowFn?: ProcessWindowFunction<R, OUT, K>): DataStream<R> | DataStream<OUT> {
    if (windowFn === undefined) return this.build<ACC, R, R>("window.aggregate", agg, direct);
    return this.build<ACC, R, OUT>("window.aggregate", agg, (key, ctx, r, out) => callWindowFunction(windowFn, key, ctx, [r], out));
  }

  /** All records of a window at once (kept in state until the window fires). */
  process<OUT>(fn: ProcessWindowFunction<T, OUT, K>): DataStream<OUT> {
    return this.build("window.process", Aggregators.toList<T>(), (key, ctx, list, out: Collector<OUT>) => callWindowFunction(fn, key, ctx, list, out));
  }

  /** Incremental aggregation emitting `{ key, start, end, value, firing, late }` — ready for tables and charts. */
  aggregateWithWindow<ACC, R>(agg: AggregateFunction<T, ACC, R>): DataStream<WindowResult<K, R>> {
    return this.build("window.aggregate", agg, (key, ctx, value, out: Collector<WindowResult<K, R>>) => out.collect(windowResult(key, ctx.window.start, ctx.window.end, value, ctx.firing, ctx.late)));
  }

  /** Records per key and window, as `WindowResult`s. */
  count(): DataStream<WindowResult<K, number>> {
    return this.aggregateWithWindow(Aggregators.count<T>()).name("window.count");
  }

  private build<ACC, R, OUT>(name: string, agg: AggregateFunction<T, ACC, R>, emit: (key: K, ctx: WindowContext<K>, result: R, out: Collector<OUT>) => void): DataStream<OUT> {
    const trigger = this.customTrigger ?? this.assigner.defaultTrigger();
    if (this.assigner.merging && !trigger.canMerge()) {
      throw new ApiUsageError(`${trigger.toString()} cannot be used with merging windows (${this.assigner.toString()})`);
    }
    const aggregate = this.keepLast === undefined ? agg : lastN(agg, this.keepLast);
    const config: WindowOperatorConfig<T, unknown, R, OUT, K> = {
      assigner: this.assigner,
      trigger,
      allowedLateness: this.lateness,
      lateDataTag: this.lateTag,
      keySelector: this.keyed.keySelector,
      aggregate: aggregate as AggregateFunction<T, unknown, R>,
      sliceable: name !== "window.process" && this.keepLast === undefined,
      ...(this.keyOrder === "any" ? { anyKeyOrder: true } : {}),
      emit,
    };
    // Only a window that fires on event time alone is known to wait for watermarks (custom triggers may fire on count or clock).
    const needsWatermarks = this.assigner.isEventTime && isEventTimeTrigger(trigger) ? `event-time window ${this.assigner.toString()}` : undefined;
    const preAggregation = this.phases === "auto" ? twoPhases(config) : undefined;
    return this.keyed.input.transform<OUT>(name, (ctx) => new WindowOperator(config, ctx), {
      keyed: true,
      partitioning: this.keyed.partitioning,
      ...(needsWatermarks !== undefined ? { needsWatermarks } : {}),
      ...(preAggregation !== undefined ? { preAggregation } : {}),
    });
  }
}

/**
 * The window's two phases (graph/preAggregation.ts; the plan splits it where the keyed input crosses subtasks),
 * for event-time tumbling and sliding windows whose size is whole slides, with the default trigger, an
 * aggregate that merges (`reduce`, `aggregate`, `aggregateWithWindow`, `count`; not `process` or an evictor),
 * no allowed lateness (late records fire a window again one by one, which partials would fold together) and
 * no late side output (which wants the records themselves). The local phase folds each record into its slide
 * once and sends one partial per key and slide; the global phase merges them into the windows a slide is in,
 * so every window gets what one phase gives it. Metrics of the window count partials, not records.
 */
function twoPhases<T, R, OUT, K>(config: WindowOperatorConfig<T, unknown, R, OUT, K>): PreAggregation | undefined {
  const { assigner, trigger, aggregate } = config;
  const grid = assigner.aligned;
  if (config.sliceable !== true || !assigner.isEventTime || assigner.merging || grid === undefined || grid.windowOf !== undefined) return undefined;
  if (!isEventTimeTrigger(trigger) || config.allowedLateness !== 0 || config.lateDataTag !== undefined || grid.size % grid.slide !== 0) return undefined;
  const global: WindowOperatorConfig<Partial, unknown, R, OUT, K> = {
    ...config,
    lateDataTag: undefined,
    keySelector: partialKey as (p: Partial) => K,
    aggregate: mergingPartials(aggregate as AggregateFunction<unknown, unknown, R>),
    anyKeyOrder: true,
  };
  return {
    local: (ctx) => new LocalWindowAggregateOperator<T>(assigner, config.keySelector, aggregate, ctx as OperatorContext<Partial>, grid.slide),
    global: (ctx) => new WindowOperator(global, ctx),
  };
}

/** Runs a window function in either form: a returned result is emitted like a collected one. */
export function callWindowFunction<IN, OUT, K>(fn: ProcessWindowFunction<IN, OUT, K>, key: K, ctx: WindowContext<K>, elements: readonly IN[], out: Collector<OUT>): void {
  const result = fn(key, ctx, elements, out);
  if (result !== undefined) out.collect(result as OUT);
}

function direct<K, R>(_key: K, _ctx: WindowContext<K>, result: R, out: Collector<R>): void {
  out.collect(result);
}

/** Keeps the last `n` records and aggregates them when the window fires. */
function lastN<T, ACC, R>(agg: AggregateFunction<T, ACC, R>, n: number): AggregateFunction<T, T[], R> {
  return {
    createAccumulator: () => [],
    add: (value, acc) => {
      acc.push(value);
      if (acc.length > n) acc.splice(0, acc.length - n);
      return acc;
    },
    getResult: (acc) => {
      let a = agg.createAccumulator();
      for (const v of acc) a = agg.add(v, a);
      return agg.getResult(a);
    },
    merge: (a, b) => a.concat(b).slice(-n),
  };
}
