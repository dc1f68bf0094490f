/**
 * A scalar accumulator (one COUNT/SUM/MIN/MAX per group and window) gives what the array accumulator
 * gives (windowAccumulator.ts, whose values are slotsValue's): after adds with NULLs among the values,
 * and after merging two windows (sessions), for numbers and, for MIN/MAX, strings.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { seededRandom } from "../../testing/chaosSource.js";
import { scalarAccumulator } from "./scalarAccumulator.js";
import { accValue, addValue, createWindowAcc, mergeAcc } from "./windowAccumulator.js";

test("a scalar window accumulator's values are the array accumulator's, NULLs and merges included", () => {
  const random = seededRandom(11);
  const pick = (strings: boolean): unknown => {
    const r = random();
    if (r < 0.2) return null;
    if (r < 0.25) return undefined;
    return strings ? `s${Math.floor(random() * 50)}` : Math.floor(random() * 200) - 100;
  };
  for (const name of ["COUNT", "SUM", "MIN", "MAX"]) {
    const scalar = scalarAccumulator(name, false) ?? assert.fail(name);
    for (const strings of name === "MIN" || name === "MAX" ? [false, true] : [false]) {
      for (let run = 0; run < 200; run++) {
        const sides = [0, 1].map(() => {
          let acc = scalar.initial;
          const array = createWindowAcc([false]);
          // Empty windows too: SUM, MIN and MAX of no values are NULL.
          for (let i = Math.floor(random() * 4) * Math.floor(random() * 3); i > 0; i--) {
            const v = pick(strings);
            acc = scalar.add(acc, v);
            addValue(array, 0, v);
          }
          assert.deepEqual(acc, accValue(array, 0, name, false), `${name} of run ${run}`);
          return { acc, array };
        });
        const [a, b] = sides as [{ acc: unknown; array: unknown[] }, { acc: unknown; array: unknown[] }];
        assert.deepEqual(scalar.merge(a.acc, b.acc), accValue(mergeAcc(a.array, b.array, 1), 0, name, false), `${name} merged, run ${run}`);
      }
    }
  }
  assert.equal(scalarAccumulator("AVG", false), undefined, "AVG needs a count and a sum");
  assert.equal(scalarAccumulator("COUNT", true), undefined, "DISTINCT needs the values seen");
});
