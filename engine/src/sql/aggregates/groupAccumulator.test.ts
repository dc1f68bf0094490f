/**
 * The updating GROUP BY's one-array accumulator: each row gives a new array (the one a checkpoint holds
 * stays as it was), retractions undo counts and sums, a retracted extreme is found again among the
 * values left, a DISTINCT value counts from its first row to its last. Against Flink itself:
 * test/flink-sql (cases group_*, retract_min_max_sum, distinct_*).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { MapState } from "../../state/State.js";
import type { Row } from "../connectors.js";
import { applyRow, type GroupAcc, type GroupAggCall, groupAggValue, groupRows, newGroupAcc, sameAggregateValues } from "./groupAccumulator.js";

function multiset(): MapState<unknown, number> {
  const m = new Map<unknown, number>();
  return {
    get: (k) => m.get(k),
    put: (k, v) => void m.set(k, v),
    has: (k) => m.has(k),
    remove: (k) => void m.delete(k),
    entries: () => m.entries(),
    keys: () => m.keys(),
    values: () => m.values(),
    isEmpty: () => m.size === 0,
    clear: () => m.clear(),
  };
}

const call = (name: string, distinct = false, integralAvg = false): GroupAggCall => ({ name, arg: (r: Row) => r[0], integralAvg, distinct });
const CALLS = [call("COUNT"), call("SUM"), call("MIN"), call("MAX"), call("AVG", false, true), call("COUNT", true)];
const values = (acc: GroupAcc) => CALLS.map((c, j) => groupAggValue(acc, j, c));

test("a group's accumulator: a new array per row, retractions undone, the next extreme found among the values left, DISTINCT by first and last row", () => {
  const sets = [undefined, undefined, multiset(), multiset(), undefined, multiset()];
  const apply = (acc: GroupAcc, v: unknown, retract = false) => applyRow(acc, CALLS, [v], retract, sets);
  const empty = newGroupAcc(["k"], CALLS.length);
  assert.deepEqual(values(empty), [0, null, null, null, null, 0], "SUM, MIN, MAX and AVG of no values are NULL");
  let acc = empty;
  for (const v of [5, 9, 9, 2, null]) acc = apply(acc, v);
  assert.notEqual(acc, empty);
  assert.deepEqual(values(empty), [0, null, null, null, null, 0], "the array a checkpoint holds is never changed");
  assert.equal(groupRows(acc), 5, "a NULL argument is a row, not a value");
  assert.deepEqual(values(acc), [4, 25, 2, 9, 6, 3]);
  acc = apply(acc, 9, true);
  assert.deepEqual(values(acc), [3, 16, 2, 9, 5, 3], "one 9 left: still the maximum, still a distinct value");
  acc = apply(acc, 9, true);
  assert.deepEqual(values(acc), [2, 7, 2, 5, 3, 2], "the last 9 gone: the next maximum");
  acc = apply(acc, 2, true);
  assert.deepEqual(values(acc), [1, 5, 5, 5, 5, 1]);
  const same = apply(apply(acc, 7), 7, true);
  assert.ok(sameAggregateValues(acc, same, CALLS), "a row and its retraction leave the values as they were");
  assert.ok(!sameAggregateValues(acc, apply(acc, 7), CALLS));
});
