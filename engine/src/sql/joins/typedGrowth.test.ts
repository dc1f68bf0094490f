import assert from "node:assert/strict";
import { test } from "node:test";
import { capacityFor, grown } from "./typedGrowth.js";

test("capacityFor doubles until the index fits, and keeps a capacity that holds it", () => {
  assert.equal(capacityFor(1024, 0), 1024);
  assert.equal(capacityFor(1024, 1023), 1024);
  assert.equal(capacityFor(1024, 1024), 2048);
  assert.equal(capacityFor(1024, 5000), 8192);
});

test("grown keeps the values and the array's type, and fills the new elements", () => {
  const ints = Int32Array.of(3, -1, 7);
  const g = grown(ints, 6, -1);
  assert.ok(g instanceof Int32Array);
  assert.deepEqual([...g], [3, -1, 7, -1, -1, -1]);
  assert.deepEqual([...ints], [3, -1, 7], "the old array is left as it was");
  const bytes = grown(Uint8Array.of(1, 0, 1), 5);
  assert.ok(bytes instanceof Uint8Array);
  assert.deepEqual([...bytes], [1, 0, 1, 0, 0]);
  const doubles = grown(Float64Array.of(0.5, 2), 4);
  assert.ok(doubles instanceof Float64Array);
  assert.deepEqual([...doubles], [0.5, 2, 0, 0]);
});
