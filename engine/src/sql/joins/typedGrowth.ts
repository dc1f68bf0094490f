/**
 * Growth of the typed arrays the fused join keeps per slot or per row (slotTable.ts, typedGroups.ts,
 * joinGroupAggregate.ts): capacities double, and a grown array keeps what the old one held.
 */

export type GrowableArray = Int32Array | Uint8Array | Float64Array;

/** `length` doubled as often as it takes to hold index `i` (`length` itself when it does). */
export function capacityFor(length: number, i: number): number {
  let n = length;
  while (n <= i) n *= 2;
  return n;
}

/** A new array of `n` elements of `a`'s type: `a`'s values first, `fill` after them. */
export function grown<T extends GrowableArray>(a: T, n: number, fill = 0): T {
  const b = new (a.constructor as new (n: number) => T)(n);
  b.set(a);
  if (fill !== 0) b.fill(fill, a.length);
  return b;
}
