import assert from "node:assert/strict";
import { test } from "node:test";
import { ownerOf, partitionsOf } from "./assignment.js";
import { decodePosition, encodePosition, mergePositions } from "./position.js";
import { backoffDelay } from "./retry.js";

test("every partition has exactly one owner, and partitions spread evenly over subtasks", () => {
  const all = ["a", "b", "orders"].flatMap((topic) => Array.from({ length: 7 }, (_, partition) => ({ topic, partition })));
  for (const parallelism of [1, 2, 3, 5, 30]) {
    const shares = Array.from({ length: parallelism }, (_, s) => partitionsOf(all, s, parallelism));
    assert.equal(shares.flat().length, all.length);
    assert.equal(new Set(shares.flat().map((p) => `${p.topic}/${p.partition}`)).size, all.length);
    // Within one topic, round-robin: counts differ by at most one.
    const perTopic = shares.map((s) => s.filter((p) => p.topic === "orders").length);
    assert.ok(Math.max(...perTopic) - Math.min(...perTopic) <= 1, `parallelism ${parallelism}: ${perTopic}`);
  }
  // Round-robin from a per-topic start: partitions p and p + parallelism share an owner.
  assert.equal(ownerOf("orders", 0, 4), ownerOf("orders", 4, 4));
  assert.notEqual(ownerOf("orders", 0, 4), ownerOf("orders", 1, 4));
});

test("positions round-trip through JSON, merge across subtasks and reject garbage", () => {
  const a = encodePosition([{ topic: "t", partition: 0, offset: 5 }]);
  const b = encodePosition([
    { topic: "t", partition: 1, offset: 9 },
    { topic: "u", partition: 0, offset: 0 },
  ]);
  const merged = mergePositions([JSON.parse(JSON.stringify(a)), b]);
  assert.deepEqual(merged, { offsets: { t: { "0": 5, "1": 9 }, u: { "0": 0 } }, discovered: true });
  assert.equal(decodePosition(merged).size, 3);
  assert.throws(() => decodePosition({ offsets: { t: { "0": -1 } } }), /Invalid Kafka source position/);
  assert.throws(() => decodePosition(null), /Invalid Kafka source position/);
});

test("backoff doubles and is capped", () => {
  assert.deepEqual(
    [1, 2, 3, 4, 10].map((n) => backoffDelay(n, { initialMs: 100, maxMs: 500 })),
    [100, 200, 400, 500, 500],
  );
});
