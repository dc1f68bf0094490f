import type { MapState } from "../../state/State.js";
import { slotsValue } from "../aggregateValue.js";
import type { Row } from "../connectors.js";

/** One aggregate call of an updating GROUP BY, as its accumulator applies it. */
export interface GroupAggCall {
  name: string;
  /** The argument's value of a row (undefined: `COUNT(*)`, every row counts). */
  arg: ((r: Row) => unknown) | undefined;
  integralAvg: boolean;
  /** `COUNT(DISTINCT x)`, …: only a value's first arrival and its last retraction count. */
  distinct: boolean;
}

/**
 * An updating GROUP BY's accumulator of one group, in ONE array (as the window aggregate's,
 * windows/windowAccumulator.ts): the group's key columns at 0, its number of rows at 1 (Flink's count1:
 * at 0 the group is gone), then per aggregate j at 2 + 4j the count, sum, min and max of its non-NULL
 * argument values. Each row replaces it by a copy, never changing it in place (a checkpoint may still
 * hold the array it snapshotted): one allocation per row, where an object of five arrays took five.
 */
export type GroupAcc = unknown[];

const SLOTS = 4;

export function newGroupAcc(keys: Row, aggregates: number): GroupAcc {
  const acc: GroupAcc = new Array(2 + SLOTS * aggregates);
  acc[0] = keys;
  acc[1] = 0;
  for (let b = 2; b < acc.length; b += SLOTS) {
    acc[b] = 0;
    acc[b + 1] = 0;
    acc[b + 2] = null;
    acc[b + 3] = null;
  }
  return acc;
}

export function groupKeys(acc: GroupAcc): Row {
  return acc[0] as Row;
}

export function groupRows(acc: GroupAcc): number {
  return acc[1] as number;
}

/**
 * A copy of `before` with one input row applied (retract: a -U/-D of it). `values[j]`: aggregate j's
 * multiset of values (value → rows holding it) when it keeps one — a DISTINCT aggregate (Flink's
 * DistinctAccumulator over a MapView), or MIN/MAX over an updating input (MinWithRetractAggFunction: when
 * the extreme's last row goes, the next one is found among the values left, as Flink's updateMin scans its map).
 */
export function applyRow(before: GroupAcc, calls: readonly GroupAggCall[], r: Row, retract: boolean, values: readonly (MapState<unknown, number> | undefined)[]): GroupAcc {
  return applyRowInPlace(before.slice(), calls, r, retract, values);
}

/** applyRow on `next` itself: a mini-batch folds a key's rows into one copy of its accumulator (the array it snapshotted stays untouched). */
export function applyRowInPlace(next: GroupAcc, calls: readonly GroupAggCall[], r: Row, retract: boolean, values: readonly (MapState<unknown, number> | undefined)[]): GroupAcc {
  next[1] = (next[1] as number) + (retract ? -1 : 1);
  for (let j = 0, b = 2; j < calls.length; j++, b += SLOTS) {
    const a = calls[j] as GroupAggCall;
    const v = a.arg ? a.arg(r) : 1;
    if (v === null || v === undefined) continue;
    const multiset = values[j];
    if (retract) {
      if (multiset) {
        const left = (multiset.get(v) ?? 0) - 1;
        if (left > 0) multiset.put(v, left);
        else multiset.remove(v);
        if (a.distinct && left > 0) continue; // other rows still hold this value
        if (left <= 0 && (v === next[b + 2] || v === next[b + 3])) [next[b + 2], next[b + 3]] = bounds(multiset.keys());
      }
      (next[b] as number) -= 1;
      if (typeof v === "number") (next[b + 1] as number) -= v;
      continue;
    }
    if (multiset) {
      const had = multiset.get(v) ?? 0;
      multiset.put(v, had + 1);
      if (a.distinct && had > 0) continue; // counted already
    }
    (next[b] as number) += 1;
    if (typeof v === "number") (next[b + 1] as number) += v;
    const min = next[b + 2];
    if (min === null || (v as number) < (min as number)) next[b + 2] = v;
    const max = next[b + 3];
    if (max === null || (v as number) > (max as number)) next[b + 3] = v;
  }
  return next;
}

/** Aggregate j's value, as aggregateValue defines it for every SQL aggregate. */
export function groupAggValue(acc: GroupAcc, j: number, call: GroupAggCall): unknown {
  const b = 2 + SLOTS * j;
  return slotsValue(call.name, acc[b] as number, acc[b + 1] as number, acc[b + 2], acc[b + 3], call.integralAvg);
}

/** Whether two accumulators give the same aggregate values (Flink's GroupAggFunction then emits nothing). */
export function sameAggregateValues(a: GroupAcc, b: GroupAcc, calls: readonly GroupAggCall[]): boolean {
  for (let j = 0; j < calls.length; j++) {
    const call = calls[j] as GroupAggCall;
    if (groupAggValue(a, j, call) !== groupAggValue(b, j, call)) return false;
  }
  return true;
}

/** The least and greatest of a multiset's values (null when empty). */
function bounds(values: Iterable<unknown>): [unknown, unknown] {
  let lo: unknown = null;
  let hi: unknown = null;
  for (const v of values) {
    if (lo === null || (v as number) < (lo as number)) lo = v;
    if (hi === null || (v as number) > (hi as number)) hi = v;
  }
  return [lo, hi];
}
