/**
 * Greatest common divisor and least common multiple of whole numbers, for grids of them: the slice a
 * window aggregate splits its windows into (gcd of size and slide) and the residue classes a restored
 * Nexmark reader tracks (lcm of the parallelisms it ran at).
 */

/** The greatest common divisor of `a` and `b` (whole numbers; `gcd(a, 0)` is `|a|`). */
export function gcd(a: number, b: number): number {
  let [x, y] = [Math.abs(a), Math.abs(b)];
  while (y !== 0) [x, y] = [y, x % y];
  return x;
}

/** The least common multiple of positive whole numbers `a` and `b`. */
export function lcm(a: number, b: number): number {
  return (a / gcd(a, b)) * b;
}
