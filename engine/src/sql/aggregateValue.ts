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
  const n = acc.n[j] as number;
  switch (name) {
    case "COUNT":
      return n;
    case "SUM":
      return n === 0 ? null : acc.sum[j];
    case "MIN":
      return acc.min[j];
    case "MAX":
      return acc.max[j];
    default: {
      if (n === 0) return null;
      const avg = (acc.sum[j] as number) / n;
      return integralAvg ? Math.trunc(avg) : avg;
    }
  }
}
