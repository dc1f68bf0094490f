import { type AggregateSlots, aggregateValue } from "../aggregateValue.js";
import type { Row } from "../connectors.js";

/**
 * A window aggregate's accumulator for one group and window, in ONE array: the group's key columns
 * at 0, then per aggregate j at 1 + 5j: the count, sum, min and max of its non-NULL argument values
 * and, for a DISTINCT aggregate, the values seen (by their JSON; a plain record, so the window state
 * snapshots it). One allocation per group and window where an object of five arrays made six: these
 * live until the window fires (nexmark q5: every auction in five HOP windows), so each is copied by
 * the young-generation GC and promoted.
 */
export type WindowAcc = unknown[];

const SLOTS = 5;

export function createWindowAcc(distinct: boolean[]): WindowAcc {
  const acc: WindowAcc = new Array(1 + SLOTS * distinct.length);
  acc[0] = null;
  for (let j = 0, b = 1; j < distinct.length; j++, b += SLOTS) {
    acc[b] = 0;
    acc[b + 1] = 0;
    acc[b + 2] = null;
    acc[b + 3] = null;
    acc[b + 4] = distinct[j] ? {} : null;
  }
  return acc;
}

/** The group's key columns, as the first row of the group gave them. */
export function accKeys(acc: WindowAcc): Row | null {
  return acc[0] as Row | null;
}

export function setAccKeys(acc: WindowAcc, keys: Row): void {
  acc[0] = keys;
}

/** Adds one argument value to aggregate j (NULL is skipped; a DISTINCT aggregate skips a value it has seen). */
export function addValue(acc: WindowAcc, j: number, v: unknown): void {
  if (v === null || v === undefined) return;
  const b = 1 + SLOTS * j;
  const seen = acc[b + 4] as Record<string, unknown> | null;
  if (seen) {
    const key = JSON.stringify(v);
    if (key in seen) return;
    seen[key] = v;
  }
  (acc[b] as number)++;
  if (typeof v === "number") (acc[b + 1] as number) += v;
  const min = acc[b + 2];
  if (min === null || (v as number) < (min as number)) acc[b + 2] = v;
  const max = acc[b + 3];
  if (max === null || (v as number) > (max as number)) acc[b + 3] = v;
}

/** Merges b into a (session windows): counts and sums add, extremes compare (NULL = no value yet), DISTINCT values unite. */
export function mergeAcc(a: WindowAcc, b: WindowAcc, aggregates: number): WindowAcc {
  a[0] ??= b[0];
  for (let j = 0, s = 1; j < aggregates; j++, s += SLOTS) {
    const seen = b[s + 4] as Record<string, unknown> | null;
    if (seen) {
      for (const v of Object.values(seen)) addValue(a, j, v);
      continue;
    }
    (a[s] as number) += b[s] as number;
    (a[s + 1] as number) += b[s + 1] as number;
    if (b[s + 2] !== null && (a[s + 2] === null || (b[s + 2] as number) < (a[s + 2] as number))) a[s + 2] = b[s + 2];
    if (b[s + 3] !== null && (a[s + 3] === null || (b[s + 3] as number) > (a[s + 3] as number))) a[s + 3] = b[s + 3];
  }
  return a;
}

const slots: AggregateSlots = { n: [0], sum: [0], min: [null], max: [null] };

/** Aggregate j's final value, as aggregateValue defines it for every SQL aggregate. */
export function accValue(acc: WindowAcc, j: number, name: string, integralAvg: boolean): unknown {
  const b = 1 + SLOTS * j;
  slots.n[0] = acc[b] as number;
  slots.sum[0] = acc[b + 1] as number;
  slots.min[0] = acc[b + 2];
  slots.max[0] = acc[b + 3];
  return aggregateValue(name, slots, 0, integralAvg);
}
