import type { Collector } from "../../api/functions.js";
import type { KeyedCoProcessFunction, KeyedProcessContext, KeyedRuntimeContext } from "../../api/keyedFunctions.js";
import type { MapState, ValueState } from "../../state/State.js";
import type { JoinType } from "../ast.js";
import type { Row } from "../connectors.js";

/** A buffered row and whether it has been joined (an outer side pads it with NULLs at expiry only if not). */
type Entry = [row: Row, emitted: boolean];

export interface IntervalJoinSpec {
  joinType: JoinType;
  /** `leftTime >= rightTime + lower`, `leftTime <= rightTime + upper` (ms). */
  lower: number;
  upper: number;
  leftTime: number;
  rightTime: number;
  leftWidth: number;
  rightWidth: number;
  /** The rest of the ON condition on the joined row (keys included: a NULL key never matches). */
  matches: (joined: Row) => boolean;
}

interface State {
  leftCache: MapState<number, Entry[]>;
  rightCache: MapState<number, Entry[]>;
  /** The cleanup timer that expires the right cache (Flink's leftTimerState), and the left cache's. */
  leftTimer: ValueState<number>;
  rightTimer: ValueState<number>;
  // Per subtask and not checkpointed, as in Flink: approximations that only skip work.
  leftExpiration: number;
  rightExpiration: number;
}

/**
 * Flink SQL's event-time interval join (TimeIntervalJoin + RowTimeIntervalJoin, allowed lateness 0),
 * as a keyed co-process function: each side's rows buffered per key in MapState by rowtime, joined
 * against the other side's buffer, expired by cleanup timers once the watermark (the operator time)
 * passes their window, and, on an outer side, emitted NULL-padded at expiry if never joined (or at
 * once if the row comes too late to be joined by anything). The operator holds the output watermark
 * back by `outputDelay(spec)` (KeyedCoProcessOperatorWithWatermarkDelay), since rows are emitted that late.
 */
export function intervalJoinFunction(spec: IntervalJoinSpec): KeyedCoProcessFunction<string, Row, Row, Row> {
  const leftRelativeSize = -spec.lower;
  const rightRelativeSize = spec.upper;
  // Flink passes the state retention time (`table.exec.state.ttl`, default 0) as the minimum cleanup interval.
  const minCleanUpInterval = 0;
  const leftOuter = spec.joinType === "left" || spec.joinType === "full";
  const rightOuter = spec.joinType === "right" || spec.joinType === "full";
  const leftNulls = new Array<null>(spec.leftWidth).fill(null);
  const rightNulls = new Array<null>(spec.rightWidth).fill(null);
  const padLeft = (l: Row): Row => [...l, ...rightNulls];
  const padRight = (r: Row): Row => [...leftNulls, ...r];
  const operatorTime = (ctx: KeyedProcessContext<string>): number => Math.max(0, ctx.timerService.currentWatermark());
  const expiration = (time: number, relativeSize: number): number => (time === Number.POSITIVE_INFINITY ? time : time - relativeSize - 1);

  const registerCleanup = (s: State, ctx: KeyedProcessContext<string>, rowTime: number, leftRow: boolean): void => {
    const cleanup = rowTime + (leftRow ? leftRelativeSize : rightRelativeSize) + minCleanUpInterval + 1;
    ctx.timerService.registerEventTimeTimer(cleanup);
    (leftRow ? s.rightTimer : s.leftTimer).update(cleanup);
  };

  /** One side's row against the other side's cache (`own` is the row's side). */
  const process = (s: State, row: Row, ctx: KeyedProcessContext<string>, out: Collector<Row>, own: "left" | "right"): void => {
    const isLeft = own === "left";
    const now = operatorTime(ctx);
    const time = row[isLeft ? spec.leftTime : spec.rightTime] as number;
    // The other side's rows this one can meet: [time - before, time + after].
    const [before, after] = isLeft ? [rightRelativeSize, leftRelativeSize] : [leftRelativeSize, rightRelativeSize];
    const lowerBound = time - before;
    const upperBound = time + after;
    const otherCache = isLeft ? s.rightCache : s.leftCache;
    const otherOuter = isLeft ? rightOuter : leftOuter;
    let emitted = false;
    const otherExpiration = isLeft ? s.rightExpiration : s.leftExpiration;
    if (otherExpiration < upperBound) {
      const nextExpiration = expiration(now, before);
      if (isLeft) s.rightExpiration = nextExpiration;
      else s.leftExpiration = nextExpiration;
      for (const [otherTime, entries] of [...otherCache.entries()]) {
        if (otherTime >= lowerBound && otherTime <= upperBound) {
          let updated = false;
          const next = entries.map((entry): Entry => {
            const joined = isLeft ? [...row, ...entry[0]] : [...entry[0], ...row];
            if (!spec.matches(joined)) return entry;
            out.collect(joined);
            emitted = true;
            if (otherOuter && !entry[1]) {
              updated = true;
              return [entry[0], true];
            }
            return entry;
          });
          if (updated) otherCache.put(otherTime, next);
        }
        // Expired rows of the other side go now (after joining this one, as in Flink).
        if (otherTime <= nextExpiration) {
          if (otherOuter) for (const [r, joined] of otherCache.get(otherTime) ?? []) if (!joined) out.collect(isLeft ? padRight(r) : padLeft(r));
          otherCache.remove(otherTime);
        }
      }
    }
    // Buffer the row while rows of the other side may still come to meet it.
    if (now < upperBound) {
      const cache = isLeft ? s.leftCache : s.rightCache;
      cache.put(time, [...(cache.get(time) ?? []), [row, emitted]]);
      if ((isLeft ? s.rightTimer : s.leftTimer).value() === undefined) registerCleanup(s, ctx, time, isLeft);
    } else if (!emitted && (isLeft ? leftOuter : rightOuter)) out.collect(isLeft ? padLeft(row) : padRight(row));
  };

  const removeExpired = (s: State, ctx: KeyedProcessContext<string>, out: Collector<Row>, expirationTime: number, removeLeft: boolean): void => {
    const cache = removeLeft ? s.leftCache : s.rightCache;
    const outer = removeLeft ? leftOuter : rightOuter;
    let earliest = -1;
    for (const [time, entries] of [...cache.entries()]) {
      if (time <= expirationTime) {
        if (outer) for (const [r, joined] of entries) if (!joined) out.collect(removeLeft ? padLeft(r) : padRight(r));
        cache.remove(time);
      } else if (time < earliest || earliest < 0) earliest = time;
    }
    if (earliest > 0) registerCleanup(s, ctx, earliest, removeLeft);
    else {
      (removeLeft ? s.rightTimer : s.leftTimer).clear();
      cache.clear();
    }
  };

  const fn: KeyedCoProcessFunction<string, Row, Row, Row> & { s?: State } = {
    open(rc: KeyedRuntimeContext) {
      this.s = {
        leftCache: rc.getMapState<number, Entry[]>("left-cache"),
        rightCache: rc.getMapState<number, Entry[]>("right-cache"),
        leftTimer: rc.getState<number>("left-timer"),
        rightTimer: rc.getState<number>("right-timer"),
        leftExpiration: 0,
        rightExpiration: 0,
      };
    },
    processElement1(row, ctx, out) {
      process(this.s as State, row, ctx, out, "left");
    },
    processElement2(row, ctx, out) {
      process(this.s as State, row, ctx, out, "right");
    },
    onTimer(timestamp, ctx, out) {
      const s = this.s as State;
      const now = operatorTime(ctx);
      if (s.leftTimer.value() === timestamp) {
        s.rightExpiration = expiration(now, rightRelativeSize);
        removeExpired(s, ctx, out, s.rightExpiration, false);
      }
      if (s.rightTimer.value() === timestamp) {
        s.leftExpiration = expiration(now, leftRelativeSize);
        removeExpired(s, ctx, out, s.leftExpiration, true);
      }
    },
  };
  return fn;
}

/** How far the output watermark is held back behind the input's (Flink's getMaxOutputDelay). */
export function outputDelay(spec: Pick<IntervalJoinSpec, "lower" | "upper">): number {
  return Math.max(-spec.lower, spec.upper);
}
