/**
 * The per-record loops of map and filter, compiled once per operator instance (`new Function`, as the
 * SQL compiler and the columnar codec do), so that each operator's call of its user function is a call
 * site of its own. V8 keeps call feedback per function, not per object: with one shared loop, a job with
 * two filters (Nexmark q2: the event type, then the auction) made the call megamorphic in both, and
 * neither predicate was inlined (it was a separate frame in the profile). A JIT per operator is what
 * Flink gets from its chained operators' own call sites.
 *
 * Both loops keep the try outside the inner loop: `failed(i, cause)` reports record `i` (it throws
 * under the `fail` policy, ending the batch) and the loop resumes after it.
 */

/** Writes the positions of the records `fn` keeps into `positions`; returns how many. */
export type FilterLoop = <T>(fn: (value: T) => boolean, values: readonly T[], positions: Int32Array, failed: (i: number, cause: unknown) => void) => number;

/** Writes `fn(values[i])` into `out[i]`; returns the positions that failed (their slots are left unset), or undefined. */
export type MapLoop = <I, O>(fn: (value: I) => O, values: readonly I[], out: O[], failed: (i: number, cause: unknown) => void) => number[] | undefined;

const FILTER = `"use strict";
return function filterLoop(fn, values, positions, failed) {
  const n = values.length;
  let kept = 0;
  let i = 0;
  while (i < n) {
    try {
      for (; i < n; i++) if (fn(values[i])) positions[kept++] = i;
    } catch (cause) {
      failed(i, cause);
      i++;
    }
  }
  return kept;
};`;

const MAP = `"use strict";
return function mapLoop(fn, values, out, failed) {
  const n = values.length;
  let failures;
  let i = 0;
  while (i < n) {
    try {
      for (; i < n; i++) out[i] = fn(values[i]);
    } catch (cause) {
      failed(i, cause);
      (failures ??= []).push(i);
      i++;
    }
  }
  return failures;
};`;

/** A filter loop with call feedback of its own. */
export function filterLoop(): FilterLoop {
  return new Function(FILTER)() as FilterLoop;
}

/** A map loop with call feedback of its own. */
export function mapLoop(): MapLoop {
  return new Function(MAP)() as MapLoop;
}
