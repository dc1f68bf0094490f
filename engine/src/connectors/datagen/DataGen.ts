import type { Source } from "../Source.js";
import { generatorSource, type DataGenOptions } from "./DataGenSource.js";
import { pageViews } from "./PageViews.js";

/**
 * Built-in generators for demos and tests.
 *
 * @example
 * env.fromSource(DataGen.pageViews({ rate: 1000 }))                  // realistic web events
 * env.fromSource(DataGen.sequence({ count: 100 }))                   // 0..99
 * env.fromSource(DataGen.fromFunction((i, ts, rng) => ({ i, temp: 20 + rng() * 5 }), { rate: 10 }))
 */
export const DataGen = {
  pageViews,
  sequence: (options: DataGenOptions = {}): Source<number> => generatorSource("sequence", (i) => i, { rate: Number.POSITIVE_INFINITY, ...options }),
  fromFunction: <T>(make: (index: number, timestamp: number, rng: () => number) => T, options: DataGenOptions = {}): Source<T> => generatorSource("generator", make, options),
};
