import type { Collector } from "../api/functions.js";
import type { KeyedCoProcessFunction, KeyedProcessContext } from "../api/keyedFunctions.js";
import type { OutputTag } from "../api/OutputTag.js";
import type { MapState } from "../state/State.js";
import { missingTimestamp, noTime } from "./missingTimestamp.js";
import type { OperatorContext, OperatorCounters } from "./Operator.js";

/** What the join function knows about a matched pair. */
export interface IntervalJoinContext<K> {
  readonly key: K;
  readonly leftTimestamp: number;
  readonly rightTimestamp: number;
  /** Timestamp of the joined record: the larger of the two. */
  readonly timestamp: number;
}

export type ProcessJoinFunction<L, R, O, K> = (left: L, right: R, ctx: IntervalJoinContext<K>, out: Collector<O>) => void;

export interface IntervalJoinSpec<L, R, O, K> {
  lower: number;
  upper: number;
  fn: ProcessJoinFunction<L, R, O, K>;
  leftLateTag?: OutputTag<L> | undefined;
  rightLateTag?: OutputTag<R> | undefined;
  counters: OperatorCounters;
  /** The join operator, named in the error for a record without a timestamp. */
  where: Pick<OperatorContext<unknown>, "jobName" | "operatorName" | "subtask">;
}

/**
 * Flink's interval join as a keyed co-process function: left `l` joins right `r` of the same key when
 * `l.ts + lower <= r.ts <= l.ts + upper`. Both sides are buffered per key and timestamp (checkpointed
 * keyed state) until the watermark makes further matches impossible. Records later than the watermark
 * are dropped (counted) or sent to the late side outputs.
 */
export function intervalJoinFunction<L, R, O, K>(spec: IntervalJoinSpec<L, R, O, K>): KeyedCoProcessFunction<K, L, R, O> {
  const { lower, upper, fn } = spec;
  const leftCleanup = (t: number) => (upper > 0 ? t + upper : t);
  const rightCleanup = (t: number) => (lower < 0 ? t - lower : t);
  // Without a timestamp a record would be buffered and timed at NaN: never joined, never cleaned up.
  const timeOf = (value: L | R, ctx: KeyedProcessContext<K>): number => {
    const t = ctx.timestamp;
    if (noTime(t)) throw missingTimestamp(spec.where, ctx.getCurrentKey(), value);
    return t;
  };
  const isLate = (t: number, ctx: KeyedProcessContext<K>) => ctx.currentWatermark() !== Number.NEGATIVE_INFINITY && t < ctx.currentWatermark();
  const emit = (l: L, lt: number, r: R, rt: number, ctx: KeyedProcessContext<K>, out: Collector<O>) =>
    fn(l, r, { key: ctx.getCurrentKey(), leftTimestamp: lt, rightTimestamp: rt, timestamp: Math.max(lt, rt) }, out);
  const add = <T>(buffer: MapState<number, T[]>, t: number, value: T) => {
    const list = buffer.get(t);
    if (list === undefined) buffer.put(t, [value]);
    else list.push(value);
  };
  return {
    processElement1(left, ctx, out) {
      const t = timeOf(left, ctx);
      if (isLate(t, ctx)) {
        if (spec.leftLateTag !== undefined) ctx.output(spec.leftLateTag, left);
        else spec.counters.lateRecordsDropped++;
        return;
      }
      add(ctx.getMapState<number, L[]>("left"), t, left);
      for (const [rt, rights] of ctx.getMapState<number, R[]>("right").entries()) {
        if (rt >= t + lower && rt <= t + upper) for (const r of rights) emit(left, t, r, rt, ctx, out);
      }
      ctx.timerService.registerEventTimeTimer(leftCleanup(t));
    },
    processElement2(right, ctx, out) {
      const t = timeOf(right, ctx);
      if (isLate(t, ctx)) {
        if (spec.rightLateTag !== undefined) ctx.output(spec.rightLateTag, right);
        else spec.counters.lateRecordsDropped++;
        return;
      }
      add(ctx.getMapState<number, R[]>("right"), t, right);
      for (const [lt, lefts] of ctx.getMapState<number, L[]>("left").entries()) {
        if (t >= lt + lower && t <= lt + upper) for (const l of lefts) emit(l, lt, right, t, ctx, out);
      }
      ctx.timerService.registerEventTimeTimer(rightCleanup(t));
    },
    onTimer(time, ctx) {
      const left = ctx.getMapState<number, L[]>("left");
      for (const lt of [...left.keys()]) if (leftCleanup(lt) <= time) left.remove(lt);
      const right = ctx.getMapState<number, R[]>("right");
      for (const rt of [...right.keys()]) if (rightCleanup(rt) <= time) right.remove(rt);
    },
  };
}
