import assert from "node:assert/strict";
import { test } from "node:test";
import { SlotIndex } from "./slotIndex.js";

test("a SlotIndex gives the slots a Map would: integers (through growth, colliding and negative), -0 as 0, other keys apart", () => {
  const index = new SlotIndex();
  const map = new Map<unknown, number>();
  // Multiples of 64 share their home entry in the first table; 2^31 - 1 and -2^31 are the int32 ends; 2^31, 1.5, NaN are not int32.
  const keys: unknown[] = [];
  for (let i = 0; i < 500; i++) keys.push(i * 64, -i, 1000 + ((i * 7919) % 1500));
  keys.push(2147483647, -2147483648, 2147483648, 1.5, Number.NaN, "7", null, true, -0, 0);
  for (const key of keys) {
    const want = map.get(key) ?? -1;
    assert.equal(index.get(key), want, `get(${String(key)}) before`);
    if (want < 0) {
      map.set(key, map.size);
      assert.equal(index.add(key), map.size - 1, `add(${String(key)})`);
    }
  }
  assert.equal(index.size, map.size);
  for (const [key, slot] of map) assert.equal(index.get(key), slot, `get(${String(key)})`);
  assert.equal(index.get(-0), index.get(0));
  assert.equal(index.get(12345678), -1);
  assert.equal(index.get("0"), -1);
});

test("a SlotIndex made for many keys gives the same slots", () => {
  for (const expected of [0, 100, 5000, 1 << 20]) {
    const index = new SlotIndex(expected);
    for (let i = 0; i < 3000; i++) assert.equal(index.add(i * 977), i);
    for (let i = 0; i < 3000; i++) assert.equal(index.get(i * 977), i);
    assert.equal(index.get(1), -1);
  }
});

test("slotOf finds or makes a slot in one call, as get then add would, mixed with them, across growth", () => {
  const index = new SlotIndex();
  const map = new Map<unknown, number>();
  const keys: unknown[] = [];
  for (let i = 0; i < 2000; i++) keys.push(i * 64, -i, 0.5 + (i % 50), `s${i % 300}`, (i * 7919) % 2500, 2 ** 31 + (i % 10));
  keys.push(-0, 0, Number.NaN, Number.NaN, undefined, null);
  keys.forEach((key, n) => {
    const want = map.get(key) ?? map.size;
    if (!map.has(key)) map.set(key, want);
    // Every third key goes through get/add, the others through slotOf: both fill one numbering.
    if (n % 3 === 0) {
      const got = index.get(key);
      assert.equal(got < 0 ? index.add(key) : got, want, `get/add(${String(key)})`);
    } else assert.equal(index.slotOf(key), want, `slotOf(${String(key)})`);
    assert.equal(index.size, map.size);
  });
  for (const [key, slot] of map) assert.equal(index.slotOf(key), slot, `slotOf(${String(key)}) again`);
  assert.equal(index.slotOf(-0), index.slotOf(0));
  assert.equal(index.intSlotOf(64), map.get(64));
  assert.equal(index.size, map.size);
});
