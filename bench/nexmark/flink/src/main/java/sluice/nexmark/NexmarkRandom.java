package sluice.nexmark;

/**
 * Twin of engine/src/connectors/nexmark/NexmarkRandom.ts: a mulberry32 stream re-seeded from
 * (seed, event number) per event, using only 32-bit int arithmetic and exact doubles, so its draws are
 * bit-identical to the TypeScript generator's.
 */
final class NexmarkRandom {
  private int state;

  void reset(int seed, long n) {
    state = mix(seed ^ mix((int) (n + 0x9e3779b9L)) ^ (int) (n >>> 32));
  }

  long nextU32() {
    state += 0x6d2b79f5;
    int t = state;
    t = (t ^ (t >>> 15)) * (t | 1);
    t ^= t + (t ^ (t >>> 7)) * (t | 61);
    return (t ^ (t >>> 14)) & 0xffffffffL;
  }

  double nextDouble() {
    return nextU32() / 4294967296.0;
  }

  /** Uniform in [0, bound); the double product and floor are the same operations as in TypeScript. */
  long nextLong(double bound) {
    return (long) Math.floor(nextDouble() * bound);
  }

  int nextInt(int bound) {
    return (int) nextLong(bound);
  }

  private static int mix(int x) {
    x = (x ^ (x >>> 16)) * 0x85ebca6b;
    x = (x ^ (x >>> 13)) * 0xc2b2ae35;
    return x ^ (x >>> 16);
  }
}
