/**
 * The per-record loop of a keyed exchange's producer (which subtask each record goes to, and its
 * batch for that subtask), compiled per key selector as map and filter's loops are
 * (operators/recordLoops.ts). One shared loop saw every keyBy of the job: q5's auction ids and its
 * window results in one worker made the selector call and the two `push`es polymorphic, so the
 * selector ran as a frame of its own and each push was a builtin call — routing was ~10 % of a q5
 * worker's CPU at p=2, work p=1 does not do at all (bench/nexmark/RESULTS.md "Session 14: par5").
 *
 * The try sits outside the inner loop: `failed(i, cause)` reports record `i` (it throws under the
 * `fail` policy, ending the batch) and the loop resumes after it.
 */
import { keyGroupOf, normalizeKey, subtaskForKeyGroup } from "../graph/keys.js";

/**
 * Writes each record `from` ≤ i < `to` of `vs`/`ts` to `values[s]`/`timestamps[s]` at `at[s]` (then
 * advancing it), s its key's subtask of `n`. The arrays are what each channel handed out
 * (Channel.beginRecords): a remote channel's are the batch it will encode, so a crossing record is
 * copied once on this side, not pushed to a batch of its own and copied again into the channel's merged
 * batch. Every write must be within the array's length: a store site that both grows an array and
 * writes within one goes megamorphic in V8 ("same map added twice"), which a q5 worker showed.
 */
export type KeyRouteLoop = (
  selector: (value: unknown) => unknown,
  vs: readonly unknown[],
  ts: readonly number[],
  from: number,
  to: number,
  values: unknown[][],
  timestamps: Float64Array[],
  at: Int32Array,
  maxParallelism: number,
  n: number,
  failed: (i: number, cause: unknown) => void,
) => void;

const SOURCE = `"use strict";
return function keyRouteLoop(selector, vs, ts, from, to, values, timestamps, at, maxParallelism, n, failed) {
  let i = from;
  while (i < to) {
    try {
      for (; i < to; i++) {
        const v = vs[i];
        const s = subtaskForKeyGroup(keyGroupOf(normalizeKey(selector(v)), maxParallelism), maxParallelism, n);
        const k = at[s];
        values[s][k] = v;
        timestamps[s][k] = ts[i];
        at[s] = k + 1;
      }
    } catch (cause) {
      failed(i, cause);
      i++;
    }
  }
};`;

/** Bounded as recordLoops' cache: past this many selector texts, loops are made afresh and not kept. */
const MAX_CACHED = 512;
const loops = new Map<string, KeyRouteLoop>();

/** The routing loop for key selector `selector` (one per source text: closures of one literal share it, as they share code). */
export function keyRouteLoop(selector: unknown): KeyRouteLoop {
  const key = String(selector);
  let loop = loops.get(key);
  if (loop === undefined) {
    loop = new Function("keyGroupOf", "normalizeKey", "subtaskForKeyGroup", SOURCE)(keyGroupOf, normalizeKey, subtaskForKeyGroup) as KeyRouteLoop;
    if (loops.size < MAX_CACHED) loops.set(key, loop);
  }
  return loop;
}
