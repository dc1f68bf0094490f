/**
 * The retracting window accumulator (a window aggregate over an updating input): retractions undo counts
 * and sums, a retracted extreme is found again among the values left, a DISTINCT value counts from its
 * first row to its last, a group whose rows were all retracted is empty, and session windows merge. It is
 * plain JSON (the window state snapshots it so). Against Flink itself: test/flink-sql cases tvf_changes_*.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Row } from "../connectors.js";
import { applyChange, createRetractAcc, mergeRetractAcc, type RetractAcc, type RetractCall, retractAccEmpty, retractAccValue } from "./retractWindowAccumulator.js";

const call = (name: string, distinct = false, integralAvg = false): RetractCall => ({ name, arg: (r: Row) => r[0], integralAvg, distinct });
const CALLS = [call("COUNT"), call("SUM"), call("MIN"), call("MAX"), call("AVG", false, true), call("COUNT", true), { name: "COUNT", arg: undefined, integralAvg: false, distinct: false }];
const values = (acc: RetractAcc) => CALLS.map((c, j) => retractAccValue(acc, j, c));
const apply = (acc: RetractAcc, v: unknown, retract = false) => applyChange(acc, CALLS, [v], retract);

test("retractions undo counts and sums and give a retracted extreme back from the values left", () => {
  const acc = createRetractAcc(CALLS);
  for (const v of [5, 9, 9, 2, null]) apply(acc, v);
  assert.deepEqual(values(acc), [4, 25, 2, 9, 6, 3, 5]);
  apply(acc, 9, true);
  assert.deepEqual(values(acc), [3, 16, 2, 9, 5, 3, 4], "one 9 is left: MAX and the DISTINCT count keep it");
  apply(acc, 9, true);
  apply(acc, 2, true);
  assert.deepEqual(values(acc), [1, 5, 5, 5, 5, 1, 2]);
  apply(acc, 5, true);
  assert.deepEqual(values(acc), [0, null, null, null, null, 0, 1], "NULL's row is still there");
  assert.equal(retractAccEmpty(acc), false);
  apply(acc, null, true);
  assert.equal(retractAccEmpty(acc), true, "every row retracted: the window emits nothing for the group");
  assert.deepEqual(JSON.parse(JSON.stringify(acc)), acc, "plain JSON for the window state");
});

test("session windows merge two accumulators: rows, counts and sums add, multisets unite", () => {
  const a = createRetractAcc(CALLS);
  const b = createRetractAcc(CALLS);
  for (const v of [3, 7]) apply(a, v);
  for (const v of [7, 1]) apply(b, v);
  apply(b, 1, true);
  const merged = mergeRetractAcc(a, b, CALLS);
  assert.deepEqual(values(merged), [3, 17, 3, 7, 5, 2, 3]);
  apply(merged, 7, true);
  assert.deepEqual(values(merged), [2, 10, 3, 7, 5, 2, 2], "the other 7 (from b) is still there");
});
