/**
 * Nexmark's log-uniform price, round(100 · 10^(6u)) cents for u = k / 2^32, defined exactly as
 * `exactPrice(k)`: with k = hi·2^16 + lo, `Math.round(10^(6·hi/2^16) · 10^(6·lo/2^32) · 100)`, each
 * power a `Math.pow` (the Java twin's `StrictMath.pow` gives the same doubles). That definition is
 * what the generator's events and the Java twin are pinned to.
 *
 * `price(k)` gives the same integer without the two 65,536-entry tables the definition was first
 * computed from (1 MB, randomly indexed: cache misses were half of a bid's generation time). It
 * multiplies four powers from 256-entry tables (8 KB in all), 10^(6k/2^32) split by the four bytes of
 * k, which is within a few ulps of the definition's product (~2e-15 relative, so < 2e-7 cents at the
 * $1M top). Rounding can only differ where the exact value is that close to a half cent; there the
 * definition itself is computed (about 2 prices in 100,000).
 */

/** 10^(6·i·2^shift / 2^32) for each value i of the byte of k at bit `shift`. */
function bytePowers(shift: number): Float64Array {
  const table = new Float64Array(256);
  for (let i = 0; i < 256; i++) table[i] = Math.pow(10, (6 * i * 2 ** shift) / 4294967296);
  return table;
}
const P3 = bytePowers(24);
const P2 = bytePowers(16);
const P1 = bytePowers(8);
const P0 = bytePowers(0);

/** Well above the approximation's error in cents (< 2e-7), well below the spacing of prices. */
const HALF_CENT_MARGIN = 1e-5;

/** The definition: round(100 · 10^(6·hi/2^16) · 10^(6·lo/2^32)), k an unsigned 32-bit integer (or the signed one with its bits). */
export function exactPrice(k: number): number {
  return Math.round(Math.pow(10, (6 * (k >>> 16)) / 65536) * Math.pow(10, (6 * (k & 0xffff)) / 4294967296) * 100);
}

/**
 * `exactPrice(k)`, computed from small tables (see the file comment). `k` may also be given as the signed
 * 32-bit integer with the same bits (`NexmarkRandom.nextBits`): only its bits are read.
 */
export function price(k: number): number {
  const cents = P3[k >>> 24]! * P2[(k >>> 16) & 255]! * P1[(k >>> 8) & 255]! * P0[k & 255]! * 100;
  const fraction = cents - Math.floor(cents);
  if (fraction > 0.5 - HALF_CENT_MARGIN && fraction < 0.5 + HALF_CENT_MARGIN) return exactPrice(k);
  return Math.round(cents);
}
