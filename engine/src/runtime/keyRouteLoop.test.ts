import assert from "node:assert/strict";
import { test } from "node:test";
import { keyGroupOf, normalizeKey, subtaskForKeyGroup } from "../graph/keys.js";
import { Channel } from "./Channel.js";
import { keyRouteLoop } from "./keyRouteLoop.js";
import { OutputRouter } from "./OutputRouter.js";
import type { RecordBatch } from "./StreamElement.js";

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
    const ts = Array.from({ length: n }, () => new Float64Array(values.length));
    const at = new Int32Array(n);
    const failed: number[] = [];
    keyRouteLoop(selector)(selector, values, timestamps, 0, values.length, out, ts, at, 128, n, (i) => failed.push(i));
    const expected: unknown[][] = Array.from({ length: n }, () => []);
    const expectedTs: number[][] = Array.from({ length: n }, () => []);
    values.forEach((v, i) => {
      if (v === null) return;
      const s = subtaskForKeyGroup(keyGroupOf(normalizeKey(selector(v)), 128), 128, n);
      expected[s]!.push(v);
      expectedTs[s]!.push(timestamps[i]!);
    });
    assert.deepEqual(out, expected);
    assert.deepEqual(
      [...at],
      expected.map((e) => e.length),
    );
    assert.deepEqual(
      ts.map((t, s) => [...t.subarray(0, at[s])]),
      expectedTs,
    );
    assert.deepEqual(
      failed,
      values.flatMap((v, i) => (v === null ? [i] : [])),
    );
  }
});

test("a hash edge's routed batches stay as routed while later, smaller batches are routed (a channel may still hold them)", () => {
  const n = 2;
  const channels = Array.from({ length: n }, () => new Channel(1_000_000, 1000));
  const selector = (a: number) => a;
  const router = new OutputRouter<number>([
    { tagId: undefined, partitioning: { kind: "hash", keySelector: selector }, channels, maxParallelism: 128, keyError: (cause) => assert.fail(String(cause)) },
  ]);
  const batches = [1000, 300, 0, 7, 1000].map((len, b) => Array.from({ length: len }, (_, i) => (i * 7919 + b) % 5000));
  for (const values of batches) {
    router.emitBatch(
      values,
      values.map((v) => 1_700_000_000_000 + v),
    );
    router.flush();
  }
  // Only now read what each channel got: nothing routed later may have changed an earlier batch.
  const got = channels.map((c) => {
    const out: RecordBatch[] = [];
    for (let e = c.shift(); e !== undefined; e = c.shift()) if (e.kind === "records") out.push(e.batch);
    return out;
  });
  const expected = channels.map((_, s) =>
    batches
      .map((values) => values.filter((v) => subtaskForKeyGroup(keyGroupOf(normalizeKey(v), 128), 128, n) === s))
      .filter((values) => values.length > 0)
      .map((values) => ({ values, timestamps: values.map((v) => 1_700_000_000_000 + v) })),
  );
  assert.deepEqual(got, expected);
});
