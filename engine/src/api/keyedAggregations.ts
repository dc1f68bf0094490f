/**
 * The reduce functions behind `KeyedStream.sum/min/max/minBy/maxBy`, with Flink's semantics
 * (flink-streaming-java `SumAggregator` and `ComparableAggregator`, as of Flink 1.20):
 * - `sum(f)`, `min(f)`, `max(f)` keep the FIRST record of the key and only replace field `f` with
 *   the running sum/minimum/maximum — the other fields do not come from the record that holds the
 *   extreme (Flink's javadoc: "min returns the minimum value, whereas minBy returns the element that
 *   has the minimum value in this field").
 * - `minBy(f, first)`, `maxBy(f, first)` return a whole record holding the extreme; on a tie, the
 *   earlier record when `first` (the default, as in Flink), else the later one.
 * Records are never mutated (a record may be shared with other operators); a changed field gives a copy.
 */
import { ApiUsageError } from "../errors/errors.js";
import type { ReduceFunction } from "./functions.js";

/** The keys of `T` whose values are numbers (what `sum` can add). */
export type NumericField<T> = { [F in keyof T]-?: T[F] extends number ? F : never }[keyof T];

export type Extreme = "min" | "max";

export function sumOf<T>(field: NumericField<T>): ReduceFunction<T> {
  return (acc, value) => withField(acc, field, (numberAt(acc, field) + numberAt(value, field)) as T[keyof T]);
}

/** Flink's MIN/MAX: the accumulated record, its `field` replaced when the new value is at least as extreme. */
export function extremeOf<T>(field: keyof T, extreme: Extreme): ReduceFunction<T> {
  return (acc, value) => {
    const c = compare(acc[field], value[field], field);
    // Flink's MinComparator is `o1 < o2 ? 1 : 0` and the field is set when it returns 0, i.e. on ties too (a no-op then).
    const keep = extreme === "min" ? c < 0 : c > 0;
    return keep || c === 0 ? acc : withField(acc, field, value[field]);
  };
}

/** Flink's MINBY/MAXBY: the record holding the extreme; `first` picks the earlier record on a tie. */
export function extremeBy<T>(field: keyof T, extreme: Extreme, first: boolean): ReduceFunction<T> {
  return (acc, value) => {
    const c = compare(acc[field], value[field], field);
    if (c === 0) return first ? acc : value;
    return (extreme === "min" ? c < 0 : c > 0) ? acc : value;
  };
}

function compare(a: unknown, b: unknown, field: PropertyKey): number {
  if (!isComparable(a) || !isComparable(b) || typeof a !== typeof b) {
    throw new ApiUsageError(`field '${String(field)}' must hold numbers, strings, bigints or Dates of one kind to be compared, got ${describe(a)} and ${describe(b)}`);
  }
  return a < b ? -1 : a > b ? 1 : 0;
}

function isComparable(v: unknown): v is number | string | bigint | Date {
  return typeof v === "number" || typeof v === "string" || typeof v === "bigint" || v instanceof Date;
}

function numberAt<T>(record: T, field: keyof T): number {
  const v = record[field];
  if (typeof v !== "number") throw new ApiUsageError(`sum('${String(field)}') needs a number in that field, got ${describe(v)}`);
  return v;
}

function withField<T>(record: T, field: keyof T, value: T[keyof T]): T {
  if (Array.isArray(record)) {
    const copy = [...record] as unknown as T;
    copy[field] = value;
    return copy;
  }
  // A copy of the same class: a POJO-like record keeps its methods and `instanceof` downstream.
  const copy = Object.assign(Object.create(Object.getPrototypeOf(record) as object) as object, record) as T;
  copy[field] = value;
  return copy;
}

function describe(v: unknown): string {
  return v === null ? "null" : v instanceof Date ? "a Date" : typeof v;
}
