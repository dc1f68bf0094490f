/**
 * The accumulator of a window aggregate computing ONE COUNT, SUM, MIN or MAX without DISTINCT: the
 * aggregate's value itself (a number, or NULL before a first value for SUM, MIN and MAX), as the
 * DataStream API's `Aggregators.count()` keeps a number. A window aggregate holds an accumulator per
 * group and window until the window fires (nexmark q5: every auction in five HOP windows, then their MAX
 * per window); an array per accumulator (windowAccumulator.ts) made each one an allocation that lived
 * through young-generation collections and a structured clone per checkpoint.
 * The values are the ones `slotsValue` gives from the four slots: NULL arguments skipped; SUM adds the
 * number values (others count as present, adding nothing); MIN/MAX compare with < and >.
 */
export interface ScalarAccumulator {
  readonly initial: unknown;
  add(acc: unknown, v: unknown): unknown;
  /** Merges two windows' values (session windows). */
  merge(a: unknown, b: unknown): unknown;
}

const count: ScalarAccumulator = {
  initial: 0,
  add: (acc, v) => (v === null || v === undefined ? acc : (acc as number) + 1),
  merge: (a, b) => (a as number) + (b as number),
};

const sum: ScalarAccumulator = {
  initial: null,
  add(acc, v) {
    if (v === null || v === undefined) return acc;
    if (typeof v !== "number") return acc ?? 0;
    return acc === null ? v : (acc as number) + v;
  },
  merge: (a, b) => (a === null ? b : b === null ? a : (a as number) + (b as number)),
};

const min: ScalarAccumulator = {
  initial: null,
  add: (acc, v) => (v === null || v === undefined ? acc : acc === null || (v as number) < (acc as number) ? v : acc),
  merge: (a, b) => (b === null ? a : a === null || (b as number) < (a as number) ? b : a),
};

const max: ScalarAccumulator = {
  initial: null,
  add: (acc, v) => (v === null || v === undefined ? acc : acc === null || (v as number) > (acc as number) ? v : acc),
  merge: (a, b) => (b === null ? a : a === null || (b as number) > (a as number) ? b : a),
};

/** The scalar accumulator of aggregate `name`, or undefined where it needs more than its value (AVG, DISTINCT). */
export function scalarAccumulator(name: string, distinct: boolean): ScalarAccumulator | undefined {
  if (distinct) return undefined;
  return ({ COUNT: count, SUM: sum, MIN: min, MAX: max } as Record<string, ScalarAccumulator | undefined>)[name];
}
