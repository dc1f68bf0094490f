import assert from "node:assert/strict";
import { test } from "node:test";
import { keyGroupOf, normalizeKey, subtaskForKeyGroup } from "../graph/keys.js";
import { keyRouteLoop } from "./keyRouteLoop.js";

test("each key selector gets a routing loop of its own (its call and pushes keep their own feedback); one literal's closures share one", () => {
  const byAuction = (a: number) => a;
  const byStart = (r: { start: number }) => r.start;
  assert.notEqual(keyRouteLoop(byAuction), keyRouteLoop(byStart));
  const make = (field: string) => (r: Record<string, unknown>) => r[field];
  assert.equal(keyRouteLoop(make("a")), keyRouteLoop(make("b")));
});

test("the routing loop puts each record on its key group's subtask, in order, and resumes after a failing selector", () => {
  const values: unknown[] = [];
  const timestamps: number[] = [];
  for (let i = 0; i < 1000; i++) {
    values.push(i % 97 === 5 ? null : { k: i % 13 === 0 ? `s${i}` : i });
    timestamps.push(1_700_000_000_000 + i);
  }
  const selector = (r: unknown) => (r as { k: unknown }).k;
  for (const n of [2, 3]) {
    const out: unknown[][] = Array.from({ length: n }, () => []);
    const ts: number[][] = Array.from({ length: n }, () => []);
    const failed: number[] = [];
    keyRouteLoop(selector)(selector, values, timestamps, out, ts, 128, n, (i) => failed.push(i));
    const expected: unknown[][] = Array.from({ length: n }, () => []);
    const expectedTs: number[][] = Array.from({ length: n }, () => []);
    values.forEach((v, i) => {
      if (v === null) return;
      const s = subtaskForKeyGroup(keyGroupOf(normalizeKey(selector(v)), 128), 128, n);
      expected[s]!.push(v);
      expectedTs[s]!.push(timestamps[i]!);
    });
    assert.deepEqual(out, expected);
    assert.deepEqual(ts, expectedTs);
    assert.deepEqual(
      failed,
      values.flatMap((v, i) => (v === null ? [i] : [])),
    );
  }
});
