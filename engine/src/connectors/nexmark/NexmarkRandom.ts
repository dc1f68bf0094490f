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
    return this.nextBits() >>> 0;
  }

  /**
   * The same 32 random bits as `nextU32`, as a signed integer: always a small integer to V8, where an
   * unsigned one above 2^31 is a heap-allocated double whenever a call returns it (a bid's price draw
   * allocated one in two events). Written out as `nextInt` is, so the state stays unboxed too.
   */
  nextBits(): number {
    const state = (this.state + STEP) | 0;
    this.state = state;
    let t = Math.imul(state ^ (state >>> 15), state | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return t ^ (t >>> 14);
  }

  /**
   * Nexmark's random letters into `bytes[at..at+length)`: per letter, `special` if `nextInt(13) === 0`,
   * else `97 + nextInt(26)` — the same draws, with the state in a local (a field load and store per
   * draw was most of a long string's cost).
   */
  fillLetters(bytes: Uint8Array, at: number, length: number, special: number): void {
    let state = this.state;
    for (let i = at; i < at + length; i++) {
      state = (state + STEP) | 0;
      // nextInt(13) === 0 exactly when u · 13 < 2^32 (u / 2^32 · 13 is exact in a double).
      if (output(state) < ONE_IN_13) {
        bytes[i] = special;
      } else {
        state = (state + STEP) | 0;
        bytes[i] = 97 + Math.floor((output(state) / 4294967296) * 26);
      }
    }
    this.state = state;
  }

  /**
   * The next `count` draws (`nextBits`' values, in order) into `out[0..count)`, without consuming them;
   * `skip(k)` then consumes the first `k`. One loop for all of an event's draws: a function that calls
   * `nextInt` at eight sites carries eight copies of its bytecode, which exceeds what V8 inlines into
   * one optimised function (~920 bytes), and the rest become calls. The state is a counter (+STEP per
   * draw), so draw k is a function of the state alone and the unused ones cost only their arithmetic.
   */
  peek(out: Int32Array, count: number): void {
    let state = this.state;
    for (let i = 0; i < count; i++) {
      state = (state + STEP) | 0;
      out[i] = output(state);
    }
  }

  /** Consumes `k` draws (after `peek`): the state `k` calls of `nextBits` leave. */
  skip(k: number): void {
    this.state = (this.state + Math.imul(k, STEP)) | 0;
  }

  /** Uniform in [0, 1), from 32 random bits (exact in a double). */
  nextDouble(): number {
    return this.nextU32() / 4294967296;
  }

  /**
   * Uniform integer in [0, bound): `Math.floor(nextDouble() * bound)`, written out. The generator calls it
   * ~10 times per event from many sites; as three nested calls V8 often did not inline it (a tenth of a
   * generator-only job's profile was its own frame).
   */
  nextInt(bound: number): number {
    const state = (this.state + STEP) | 0;
    this.state = state;
    let t = Math.imul(state ^ (state >>> 15), state | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * bound);
  }
}

const STEP = 0x6d2b79f5;

/** `nextInt(bound)` of a draw's 32 bits (`nextBits` or `peek`): the same integer. */
export function intBelow(bits: number, bound: number): number {
  return Math.floor(((bits >>> 0) / 4294967296) * bound);
}
/** The u with nextInt(13) === 0: u < 2^32 / 13. */
const ONE_IN_13 = Math.ceil(4294967296 / 13);

/** mulberry32's output function of an advanced state. */
function output(state: number): number {
  let t = Math.imul(state ^ (state >>> 15), state | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return (t ^ (t >>> 14)) >>> 0;
}

function mix(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) | 0;
}
