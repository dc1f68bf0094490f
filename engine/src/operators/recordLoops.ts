/**
 * The per-record loops of map and filter, compiled per user function (`new Function`, as the SQL
 * compiler and the columnar codec do), so that each operator's call of its user function is a call
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

/**
 * Loops already compiled, by the user function's source text: a job declared again (a notebook cell run
 * twice, a benchmark's repeated jobs) gets the loop its predecessor warmed up instead of compiling and
 * optimising a new one per job, and closures of one function literal share a loop, as they share their
 * code. Bounded: past `MAX_CACHED` texts, loops are made afresh and not kept.
 */
const MAX_CACHED = 512;
const filters = new Map<string, FilterLoop>();
const maps = new Map<string, MapLoop>();

function cached<L>(cache: Map<string, L>, fn: unknown, source: string): L {
  const key = String(fn);
  let loop = cache.get(key);
  if (loop === undefined) {
    loop = new Function(source)() as L;
    if (cache.size < MAX_CACHED) cache.set(key, loop);
  }
  return loop;
}

/** The filter loop for user function `fn`, with call feedback of its own. */
export function filterLoop(fn: unknown): FilterLoop {
  return cached(filters, fn, FILTER);
}

/** The map loop for user function `fn`, with call feedback of its own. */
export function mapLoop(fn: unknown): MapLoop {
  return cached(maps, fn, MAP);
}
