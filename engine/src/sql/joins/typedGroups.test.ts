/**
 * The fused join-and-GROUP-BY's typed first groups (typedGroups.ts) against groupAccumulator.ts's arrays:
 * the same accumulator after the same rows (count 0 read back as NULL min and max), the values before a
 * batch kept at its first touch, and what does not fit (a key column or a value that is not a number).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { applyRowInPlace, type GroupAggCall, newGroupAcc } from "../aggregates/groupAccumulator.js";
import type { Row } from "../connectors.js";
import { TYPED, TypedGroups } from "./typedGroups.js";

const calls: GroupAggCall[] = [
  { name: "MAX", arg: (r) => r[1], integralAvg: false, distinct: false },
  { name: "COUNT", arg: undefined, integralAvg: false, distinct: false },
  { name: "SUM", arg: (r) => r[2], integralAvg: false, distinct: false },
];

test("rows applied in typed arrays give groupAccumulator's accumulator; the values before a batch stay as they were at its first touch", () => {
  const g = new TypedGroups(1, calls);
  const rows: Row[] = [
    [7, 5, null],
    [7, -3, 2.5],
    [7, 11, null],
    [7, 2 ** 40, -0],
  ];
  g.create(3000, 7, [7], undefined, 1);
  assert.equal(g.state[3000], TYPED);
  const expected = newGroupAcc([7], calls.length);
  // Before any value: MAX and SUM's NULL minimum and maximum read back as NULL.
  assert.deepEqual(g.read(3000, [7], false), expected);
  let before = expected.slice();
  for (const [i, r] of rows.entries()) {
    if (i === 2) {
      assert.equal(g.settled(3000), true, "new in its first batch");
      before = expected.slice();
      assert.equal(g.touch(3000), true);
      assert.equal(g.touch(3000), false);
    }
    assert.equal(g.apply(3000, r), true);
    applyRowInPlace(expected, calls, r, false, []);
    assert.deepEqual(g.read(3000, [7], false), expected);
  }
  assert.deepEqual(g.read(3000, [7], true), before);
  assert.equal(g.isNew(3000), false);
  // A restored accumulator comes back as it was.
  const restored = new TypedGroups(1, calls);
  assert.equal(restored.fits(7, [7], expected), true);
  restored.create(1, 7, [7], expected, Number.NaN);
  assert.deepEqual(restored.read(1, restored.keyRow(1), false), expected);
});

test("what does not fit: a key column or key that is not a number, a value that is not a number (nothing applied)", () => {
  const g = new TypedGroups(2, calls);
  assert.equal(g.fits(1, [1, null], undefined), false);
  assert.equal(g.fits(1, [1, "a"], undefined), false);
  assert.equal(g.fits("k", [1, 2], undefined), false);
  assert.equal(g.fits(1, [1, 2], undefined), true);
  const acc = newGroupAcc([1, 2], calls.length);
  applyRowInPlace(acc, calls, [1, "x", 1], false, []);
  assert.equal(g.fits(1, [1, 2], acc), false);
  g.create(0, 1, [1, 2], undefined, 0);
  assert.equal(g.apply(0, [1, 4, 1]), true);
  const was = g.read(0, [1, 2], false);
  assert.equal(g.apply(0, [1, "x", 5]), false);
  assert.deepEqual(g.read(0, [1, 2], false), was);
});
