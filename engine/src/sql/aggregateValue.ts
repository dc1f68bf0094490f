/** What the final value of an aggregate reads: per aggregate, the count, sum, min and max of its non-NULL argument values. */
export interface AggregateSlots {
  n: number[];
  sum: number[];
  min: unknown[];
  max: unknown[];
}

/**
 * Aggregate `j`'s value as Flink gives it (COUNT, SUM, MIN, MAX, AVG): SUM and AVG of no values are
 * NULL (MIN and MAX hold NULL then already), AVG of an integral argument truncated. One definition for
 * group, window and OVER aggregates.
 */
export function aggregateValue(name: string, acc: AggregateSlots, j: number, integralAvg: boolean): unknown {
  return slotsValue(name, acc.n[j] as number, acc.sum[j] as number, acc.min[j], acc.max[j], integralAvg);
}

/** The same from the four slots themselves (an accumulator laid out in one array: aggregates/groupAccumulator.ts). */
export function slotsValue(name: string, n: number, sum: number, min: unknown, max: unknown, integralAvg: boolean): unknown {
  switch (name) {
    case "COUNT":
      return n;
    case "SUM":
      return n === 0 ? null : sum;
    case "MIN":
      return min;
    case "MAX":
      return max;
    default: {
      if (n === 0) return null;
      const avg = sum / n;
      return integralAvg ? Math.trunc(avg) : avg;
    }
  }
}
