import { slotsValue } from "../aggregateValue.js";
import type { GroupAggCall } from "../aggregates/groupAccumulator.js";
import type { Change } from "../changelog.js";
import type { Row } from "../connectors.js";
import type { AggregateFunction } from "../../windows/AggregateFunction.js";

/**
 * One aggregate call of a window aggregate over an updating input: the same as an updating GROUP BY's. The
 * accumulators differ: this one keeps its multisets inside it (the window state snapshots it as JSON) and
 * merges (session windows); the GROUP BY's keeps them in keyed map state and is copied per row.
 */
export type RetractCall = GroupAggCall;

/**
 * A window aggregate's accumulator of one group and window over an updating input, in ONE plain array (the
 * window state snapshots it as JSON): the group's key columns at 0, its number of rows at 1 (Flink's
 * count1: a window whose rows were all retracted before it fired emits nothing), then per aggregate j at
 * 2 + 5j the count, sum, min and max of its non-NULL argument values and, for MIN/MAX or a DISTINCT
 * aggregate, the multiset of its values (JSON of the value → [value, rows holding it]). MIN/MAX keep it as
 * Flink's MinWithRetractAggFunction keeps its map: when the extreme's last row goes, the next one is
 * found among the values left. A -U/-D is applied as the retraction of its row, so COUNT, SUM and AVG
 * subtract (Flink's COUNT_RETRACT, SUM_RETRACT, AVG_RETRACT).
 */
export type RetractAcc = unknown[];

type Multiset = Record<string, [unknown, number]>;

const SLOTS = 5;

export function createRetractAcc(calls: readonly RetractCall[]): RetractAcc {
  const acc: RetractAcc = new Array(2 + SLOTS * calls.length);
  acc[0] = null;
  acc[1] = 0;
  for (let j = 0, b = 2; j < calls.length; j++, b += SLOTS) {
    const call = calls[j] as RetractCall;
    acc[b] = 0;
    acc[b + 1] = 0;
    acc[b + 2] = null;
    acc[b + 3] = null;
    acc[b + 4] = call.distinct || call.name === "MIN" || call.name === "MAX" ? {} : null;
  }
  return acc;
}

/** Whether the group has no rows left in the window: Flink's window aggregate then emits nothing for it. */
export function retractAccEmpty(acc: RetractAcc): boolean {
  return acc[1] === 0;
}

/** Applies one change of a row to the accumulator, in place: +I/+U accumulate it, -U/-D retract it. */
export function applyChange(acc: RetractAcc, calls: readonly RetractCall[], row: Row, retract: boolean): void {
  const sign = retract ? -1 : 1;
  acc[1] = (acc[1] as number) + sign;
  for (let j = 0, b = 2; j < calls.length; j++, b += SLOTS) {
    const call = calls[j] as RetractCall;
    const v = call.arg ? call.arg(row) : 1;
    if (v === null || v === undefined) continue;
    const values = acc[b + 4] as Multiset | null;
    if (values) {
      const key = JSON.stringify(v);
      const had = values[key]?.[1] ?? 0;
      const left = had + sign;
      if (left === 0) delete values[key];
      else values[key] = [v, left];
      // A DISTINCT aggregate counts a value when its first row comes and when its last row goes.
      if (call.distinct && !(retract ? left === 0 : had === 0)) continue;
      if (retract && left === 0 && (v === acc[b + 2] || v === acc[b + 3])) [acc[b + 2], acc[b + 3]] = bounds(values);
      else if (!retract) extend(acc, b, v);
    }
    acc[b] = (acc[b] as number) + sign;
    if (typeof v === "number") acc[b + 1] = (acc[b + 1] as number) + sign * v;
  }
}

/** Merges b into a (session windows): rows, counts and sums add, multisets unite and give the extremes and DISTINCT counts again. */
export function mergeRetractAcc(a: RetractAcc, b: RetractAcc, calls: readonly RetractCall[]): RetractAcc {
  a[0] ??= b[0];
  a[1] = (a[1] as number) + (b[1] as number);
  for (let j = 0, s = 2; j < calls.length; j++, s += SLOTS) {
    const call = calls[j] as RetractCall;
    const values = a[s + 4] as Multiset | null;
    if (!values) {
      a[s] = (a[s] as number) + (b[s] as number);
      a[s + 1] = (a[s + 1] as number) + (b[s + 1] as number);
      continue;
    }
    for (const [key, [v, n]] of Object.entries(b[s + 4] as Multiset)) {
      const left = (values[key]?.[1] ?? 0) + n;
      if (left === 0) delete values[key];
      else values[key] = [v, left];
    }
    [a[s + 2], a[s + 3]] = bounds(values);
    if (call.distinct) {
      const present = Object.values(values).filter(([, n]) => n > 0);
      a[s] = present.length;
      a[s + 1] = present.reduce((sum, [v]) => (typeof v === "number" ? sum + v : sum), 0);
    } else {
      a[s] = (a[s] as number) + (b[s] as number);
      a[s + 1] = (a[s + 1] as number) + (b[s + 1] as number);
    }
  }
  return a;
}

/** Aggregate j's final value, as slotsValue defines it for every SQL aggregate. */
export function retractAccValue(acc: RetractAcc, j: number, call: RetractCall): unknown {
  const b = 2 + SLOTS * j;
  return slotsValue(call.name, acc[b] as number, acc[b + 1] as number, acc[b + 2], acc[b + 3], call.integralAvg);
}

export function retractAccKeys(acc: RetractAcc): Row | null {
  return acc[0] as Row | null;
}

/**
 * The window operator's aggregate function over changes: `keyOf` gives the group's key columns, kept from
 * the group's first change where the operator's key is not the group's columns themselves.
 */
export function retractingAggregate(calls: readonly RetractCall[], keyOf: ((r: Row) => Row) | undefined): AggregateFunction<Change, RetractAcc, RetractAcc> {
  return {
    createAccumulator: () => createRetractAcc(calls),
    add(change, acc) {
      if (keyOf && acc[0] === null) acc[0] = keyOf(change.row);
      applyChange(acc, calls, change.row, change.kind === "-U" || change.kind === "-D");
      return acc;
    },
    getResult: (acc) => acc,
    merge: (a, b) => mergeRetractAcc(a, b, calls),
  };
}

function extend(acc: RetractAcc, b: number, v: unknown): void {
  const min = acc[b + 2];
  if (min === null || (v as number) < (min as number)) acc[b + 2] = v;
  const max = acc[b + 3];
  if (max === null || (v as number) > (max as number)) acc[b + 3] = v;
}

/** The least and greatest of the values some rows still hold (null when none). */
function bounds(values: Multiset): [unknown, unknown] {
  let lo: unknown = null;
  let hi: unknown = null;
  for (const [v, n] of Object.values(values)) {
    if (n <= 0) continue;
    if (lo === null || (v as number) < (lo as number)) lo = v;
    if (hi === null || (v as number) > (hi as number)) hi = v;
  }
  return [lo, hi];
}
