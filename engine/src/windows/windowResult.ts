import type { WindowResult } from "./WindowFunction.js";

type PlainWindowResultConstructor = new <K, V>(key: K, start: number, end: number, value: V, firing: number, late: boolean) => WindowResult<K, V>;

/**
 * A constructor, not an object literal, because V8 pretenures a literal's allocation site when a scavenge
 * finds the objects it sampled there alive, and the decision sticks: every later object from the site is
 * made in the old generation and only a mark-compact frees it. A firing window's results wait in its
 * output batch, so a scavenge during a firing finds them alive: nexmark q5 at parallelism 2 had its
 * worker threads make every count (~600,000 per 2 M events) in the old generation, 4–8 mark-compacts per
 * 10 M events where one thread made none (RESULTS.md, "Session 21"). Objects made by `new` have no
 * allocation site. The prototype is Object.prototype, so a result is still a plain object: the exchange's
 * inferred row types and `deepEqual` see the literal's shape, in the same key order.
 */
const PlainWindowResult = function (this: WindowResult<unknown, unknown>, key: unknown, start: number, end: number, value: unknown, firing: number, late: boolean) {
  this.key = key;
  this.start = start;
  this.end = end;
  this.value = value;
  this.firing = firing;
  this.late = late;
} as unknown as PlainWindowResultConstructor;
(PlainWindowResult as unknown as { prototype: object }).prototype = Object.prototype;

/** `{ key, start, end, value, firing, late }`, made where V8 never pretenures it (see above). */
export function windowResult<K, V>(key: K, start: number, end: number, value: V, firing: number, late: boolean): WindowResult<K, V> {
  return new PlainWindowResult(key, start, end, value, firing, late);
}
