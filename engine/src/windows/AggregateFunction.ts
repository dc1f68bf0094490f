/**
 * Incremental aggregation (Flink's AggregateFunction): windows keep only the accumulator, not the
 * records. `merge` joins session windows, and sliding event-time windows keep one accumulator per slide
 * and merge a window's slices when it fires: it may change and return `a`, or return `b`, but must not
 * change `b`. Accumulators must be JSON-serializable to be checkpointed.
 *
 * @example
 * const avgAmount: AggregateFunction<Order, { sum: number; n: number }, number> = {
 *   createAccumulator: () => ({ sum: 0, n: 0 }),
 *   add: (o, acc) => ({ sum: acc.sum + o.amount, n: acc.n + 1 }),
 *   getResult: (acc) => acc.sum / acc.n,
 *   merge: (a, b) => ({ sum: a.sum + b.sum, n: a.n + b.n }),
 * };
 */
export interface AggregateFunction<IN, ACC, OUT> {
  createAccumulator(): ACC;
  /** May mutate and return `accumulator`, or return a new one. */
  add(value: IN, accumulator: ACC): ACC;
  getResult(accumulator: ACC): OUT;
  merge(a: ACC, b: ACC): ACC;
}

export interface Stats {
  count: number;
  sum: number;
  min: number;
  max: number;
  avg: number;
}

/**
 * Ready-made aggregate functions.
 * @example keyed.window(TumblingEventTimeWindows.of(Time.seconds(10))).aggregate(Aggregators.count())
 */
export const Aggregators = {
  count<T>(): AggregateFunction<T, number, number> {
    return { createAccumulator: () => 0, add: (_v, acc) => acc + 1, getResult: (acc) => acc, merge: (a, b) => a + b };
  },
  sum<T>(field: (value: T) => number): AggregateFunction<T, number, number> {
    return { createAccumulator: () => 0, add: (v, acc) => acc + field(v), getResult: (acc) => acc, merge: (a, b) => a + b };
  },
  /** null for an empty window (cannot happen for time windows, which exist only with records). */
  min<T>(field: (value: T) => number): AggregateFunction<T, number | null, number | null> {
    return {
      createAccumulator: () => null,
      add: (v, acc) => (acc === null ? field(v) : Math.min(acc, field(v))),
      getResult: (acc) => acc,
      merge: (a, b) => (a === null ? b : b === null ? a : Math.min(a, b)),
    };
  },
  max<T>(field: (value: T) => number): AggregateFunction<T, number | null, number | null> {
    return {
      createAccumulator: () => null,
      add: (v, acc) => (acc === null ? field(v) : Math.max(acc, field(v))),
      getResult: (acc) => acc,
      merge: (a, b) => (a === null ? b : b === null ? a : Math.max(a, b)),
    };
  },
  avg<T>(field: (value: T) => number): AggregateFunction<T, [number, number], number> {
    return {
      createAccumulator: () => [0, 0],
      add: (v, acc) => [acc[0] + field(v), acc[1] + 1],
      getResult: (acc) => (acc[1] === 0 ? Number.NaN : acc[0] / acc[1]),
      merge: (a, b) => [a[0] + b[0], a[1] + b[1]],
    };
  },
  /** count, sum, min, max and avg in one pass. */
  stats<T>(field: (value: T) => number): AggregateFunction<T, Stats, Stats> {
    return {
      createAccumulator: () => ({ count: 0, sum: 0, min: Number.POSITIVE_INFINITY, max: Number.NEGATIVE_INFINITY, avg: Number.NaN }),
      add: (v, acc) => {
        const x = field(v);
        acc.count++;
        acc.sum += x;
        if (x < acc.min) acc.min = x;
        if (x > acc.max) acc.max = x;
        return acc;
      },
      getResult: (acc) => ({ ...acc, avg: acc.count === 0 ? Number.NaN : acc.sum / acc.count }),
      merge: (a, b) => ({ count: a.count + b.count, sum: a.sum + b.sum, min: Math.min(a.min, b.min), max: Math.max(a.max, b.max), avg: Number.NaN }),
    };
  },
  /** All records of the window, in arrival order. */
  toList<T>(): AggregateFunction<T, T[], T[]> {
    return { createAccumulator: () => [], add: (v, acc) => (acc.push(v), acc), getResult: (acc) => acc, merge: (a, b) => a.concat(b) };
  },
  /** Distinct count of `field` (exact; keeps the set of values). */
  countDistinct<T>(field: (value: T) => string | number): AggregateFunction<T, (string | number)[], number> {
    return {
      createAccumulator: () => [],
      add: (v, acc) => {
        const x = field(v);
        if (!acc.includes(x)) acc.push(x);
        return acc;
      },
      getResult: (acc) => acc.length,
      merge: (a, b) => [...new Set([...a, ...b])],
    };
  },
} as const;
