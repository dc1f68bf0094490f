/**
 * The generator's random numbers: a mulberry32 stream re-seeded from (seed, event number) for every
 * event, so event n is the same whatever the parallelism, batch size or restore point. Only 32-bit
 * integer operations and exact doubles are used: the Java twin in bench/nexmark/flink produces
 * bit-identical draws, which is what lets the benchmark compare outputs across engines.
 *
 * A mutable object rather than a closure per event: the generator draws ~10 numbers per event at
 * millions of events per second, and a closure allocation per event showed in profiles.
 */
export class NexmarkRandom {
  private state = 0;

  /** Starts the stream of event `n` (0 <= n < 2^53) for `seed`. */
  reset(seed: number, n: number): void {
    this.state = mix(seed ^ mix((n + 0x9e3779b9) | 0) ^ Math.floor(n / 4294967296));
  }

  /** 32 random bits as an unsigned integer. */
  nextU32(): number {
    this.state = (this.state + 0x6d2b79f5) | 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** Uniform in [0, 1), from 32 random bits (exact in a double). */
  nextDouble(): number {
    return this.nextU32() / 4294967296;
  }

  /** Uniform integer in [0, bound). */
  nextInt(bound: number): number {
    return Math.floor(this.nextDouble() * bound);
  }
}

function mix(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) | 0;
}
