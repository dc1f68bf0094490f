import type { KeyedStateAccess } from "../state/State.js";
import type { Collector, ProcessContext } from "./functions.js";

/** Timers of the current key. Timers are deduplicated per (key, timestamp). */
export interface TimerService {
  currentProcessingTime(): number;
  currentWatermark(): number;
  /** Calls `onTimer` once the watermark reaches `timestamp`. */
  registerEventTimeTimer(timestamp: number): void;
  /** Calls `onTimer` once the clock reaches `timestamp`. */
  registerProcessingTimeTimer(timestamp: number): void;
  deleteEventTimeTimer(timestamp: number): void;
  deleteProcessingTimeTimer(timestamp: number): void;
}

export interface KeyedProcessContext<K> extends ProcessContext, KeyedStateAccess {
  getCurrentKey(): K;
  readonly timerService: TimerService;
}

export interface OnTimerContext<K> extends KeyedProcessContext<K> {
  readonly timeDomain: "event-time" | "processing-time";
}

/** Passed to `open()`: declare state here; the handles follow the current key. */
export interface KeyedRuntimeContext extends KeyedStateAccess {
  readonly jobName: string;
  readonly operatorName: string;
  readonly subtask: number;
  readonly parallelism: number;
}

/**
 * Per-key logic with state and timers (Flink's KeyedProcessFunction).
 *
 * Call order per subtask: `open` once; then `processElement` for each record and `onTimer` for each due
 * timer, always with the record's / timer's key current; `close` once. Output of `onTimer` carries the
 * timer's timestamp (event time) or none (processing time).
 *
 * @example
 * // Emit a user's click count 30 s (event time) after their first click.
 * clicks.keyBy(c => c.userId).process<[string, number]>({
 *   open(rc) { this.count = rc.getState<number>("count", 0); },
 *   processElement(c, ctx) {
 *     if (this.count.value() === 0) ctx.timerService.registerEventTimeTimer(ctx.timestamp + 30_000);
 *     this.count.update(this.count.value()! + 1);
 *   },
 *   onTimer(ts, ctx, out) { out.collect([ctx.getCurrentKey(), this.count.value()!]); this.count.clear(); },
 * } as KeyedProcessFunction<string, Click, [string, number]> & { count: ValueState<number> })
 */
export interface KeyedProcessFunction<K, I, O> {
  open?(runtime: KeyedRuntimeContext): void | Promise<void>;
  processElement(value: I, ctx: KeyedProcessContext<K>, out: Collector<O>): void;
  onTimer?(timestamp: number, ctx: OnTimerContext<K>, out: Collector<O>): void;
  close?(): void | Promise<void>;
}

/**
 * Per-key logic over two connected keyed streams; state and timers are shared by both inputs
 * (Flink's KeyedCoProcessFunction). Keys of both inputs must be comparable (same key space).
 *
 * @example
 * orders.connect(payments).keyBy(o => o.orderId, p => p.orderId).process({
 *   processElement1(o, ctx, out) { ctx.getState<Order>("order").update(o); },
 *   processElement2(p, ctx, out) { const o = ctx.getState<Order>("order").value(); if (o) out.collect({ ...o, paid: p.amount }); },
 * })
 */
export interface KeyedCoProcessFunction<K, I1, I2, O> {
  open?(runtime: KeyedRuntimeContext): void | Promise<void>;
  processElement1(value: I1, ctx: KeyedProcessContext<K>, out: Collector<O>): void;
  processElement2(value: I2, ctx: KeyedProcessContext<K>, out: Collector<O>): void;
  onTimer?(timestamp: number, ctx: OnTimerContext<K>, out: Collector<O>): void;
  close?(): void | Promise<void>;
}
