/**
 * Functions the exchange generates from a schema (extractors, record builders, shape checks), made once
 * per thread for each source text rather than once per channel and job. A `new Function` is a new
 * script: V8 compiles and optimises each one again, and every job on a worker thread made its channels'
 * afresh, so each job recompiled them (TurboFan on V8's helper threads, a part of the job's CPU time) and
 * ran its first batches unoptimised. One function per text also shares its type feedback between the
 * channels of one schema.
 */

/** Past this many distinct texts (schemas that come and go), the cache starts again rather than grow. */
const MAX_ENTRIES = 512;

const cache = new Map<string, (...args: never[]) => unknown>();

/** `new Function(...params, body)`, the same function object for the same parameters and body. */
export function generated<F extends (...args: never[]) => unknown>(params: readonly string[], body: string): F {
  const key = `${params.join(",")}\n${body}`;
  let f = cache.get(key);
  if (f === undefined) {
    if (cache.size >= MAX_ENTRIES) cache.clear();
    f = new Function(...params, body) as F;
    cache.set(key, f);
  }
  return f as F;
}

/** How many generated functions this thread holds (tests). */
export function generatedCount(): number {
  return cache.size;
}
