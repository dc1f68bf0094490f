/**
 * Small deterministic random numbers. Each generated record gets its own generator seeded from
 * (seed, record index), so record i is the same whatever the parallelism or batch size.
 */

/** A mulberry32 generator: fast, 32-bit state, good enough for synthetic data (not for crypto). */
export function rngFor(seed: number, index: number): () => number {
  let state = mix(seed ^ mix(index + 0x9e3779b9) ^ Math.floor(index / 4294967296));
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function mix(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) | 0;
}

/** Samples ranks 0..n-1 with Zipf-like skew (rank 0 most frequent), as real page and user popularity is. */
export class Zipf {
  private readonly cdf: Float64Array;

  constructor(n: number, exponent = 1.1) {
    this.cdf = new Float64Array(n);
    let total = 0;
    for (let i = 0; i < n; i++) {
      total += 1 / Math.pow(i + 1, exponent);
      this.cdf[i] = total;
    }
    for (let i = 0; i < n; i++) this.cdf[i]! /= total;
  }

  sample(u: number): number {
    let lo = 0;
    let hi = this.cdf.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.cdf[mid]! < u) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

/** Picks items with fixed relative weights; cumulative probabilities are computed once. */
export class Weighted<T> {
  private readonly cumulative: number[];

  constructor(
    private readonly items: readonly T[],
    weights: readonly number[],
  ) {
    const total = weights.reduce((a, b) => a + b, 0);
    let acc = 0;
    this.cumulative = weights.map((w) => (acc += w / total));
  }

  pick(u: number): T {
    const c = this.cumulative;
    for (let i = 0; i < c.length; i++) if (u < c[i]!) return this.items[i]!;
    return this.items[this.items.length - 1]!;
  }
}
