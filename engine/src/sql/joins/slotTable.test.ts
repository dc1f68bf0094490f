/**
 * The fused join's key → slot table (slotTable.ts): integer keys in its open-addressing table, any other
 * key in a Map, one dense slot per key in the order keys came, across the table's growth, with keys that
 * share low bits (strides of 2^k, so also the recent-key cache's entry) and negative ones; -0 and 0 as one key.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { JoinKey } from "./joinKey.js";
import { SlotTable } from "./slotTable.js";

test("each key has one slot, numbered in the order keys first came, across growth; no rows yet in a new slot", () => {
  const t = new SlotTable();
  const keys: JoinKey[] = [];
  for (let i = 0; i < 3000; i++) keys.push(i * 1024, -i - 1, i * 2 ** 20, 1000 + i, `k${i}`, i + 0.5, 2 ** 40 + i, true);
  const seen = new Map<JoinKey, number>();
  for (const key of keys) {
    const s = t.slotOf(key);
    if (seen.has(key)) assert.equal(s, seen.get(key), `key ${String(key)}`);
    else {
      assert.equal(s, seen.size, `key ${String(key)} gets the next slot`);
      seen.set(key, s);
      assert.equal(t.leftHead[s], -1);
      assert.equal(t.rightTail[s], -1);
    }
  }
  assert.equal(t.size, seen.size);
  // Asked again after all the growth: the same slots, and the keys by slot as they came.
  for (const [key, s] of seen) assert.equal(t.slotOf(key), s);
  assert.deepEqual(t.keys, [...seen.keys()]);
  // A slot's list ends survive the per-slot arrays' growth.
  t.leftHead[5] = 42;
  for (let i = 0; i < 5000; i++) t.slotOf(10_000_000 + i);
  assert.equal(t.leftHead[5], 42);
});

test("-0 and 0 are one key, whichever comes first, listed as it first came; integers and other numbers stay apart", () => {
  const t = new SlotTable();
  assert.equal(t.slotOf(-0), 0);
  assert.equal(t.slotOf(0), 0);
  assert.equal(t.slotOf(1.5), 1);
  assert.equal(t.slotOf(1), 2);
  assert.equal(t.slotOf("1"), 3);
  assert.equal(t.slotOf(257), 4); // 1's entry in the recent-key cache
  assert.equal(t.slotOf(1), 2);
  assert.equal(t.slotOf(-0), 0);
  assert.equal(t.slotOf(2 ** 31), 5);
  assert.equal(t.slotOf(-(2 ** 31)), 6);
  assert.equal(t.slotOf(2 ** 31), 5);
  assert.deepEqual(t.keys, [-0, 1.5, 1, "1", 257, 2 ** 31, -(2 ** 31)]);
  assert.equal(t.size, 7);
});
