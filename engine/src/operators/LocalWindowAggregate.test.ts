import assert from "node:assert/strict";
import { test } from "node:test";
import { OperatorHarness } from "../testing/OperatorHarness.js";
import type { AggregateFunction } from "../windows/AggregateFunction.js";
import { SlidingEventTimeWindows, TumblingEventTimeWindows } from "../windows/WindowAssigner.js";
import { LocalWindowAggregateOperator, type Partial } from "./LocalWindowAggregate.js";

type Row = unknown[];

/** MAX of column 0, its accumulator folded in place (returns itself) or replaced per row. */
function max(inPlace: boolean): AggregateFunction<Row, { max: number }, number> {
  return {
    createAccumulator: () => ({ max: Number.NEGATIVE_INFINITY }),
    add: (r, acc) => {
      const v = r[0] as number;
      if (inPlace) {
        acc.max = Math.max(acc.max, v);
        return acc;
      }
      return { max: Math.max(acc.max, v) };
    },
    getResult: (acc) => acc.max,
    merge: (a, b) => ({ max: Math.max(a.max, b.max) }),
  };
}

async function harness(inPlace: boolean): Promise<OperatorHarness<Row, Partial>> {
  const agg = max(inPlace) as AggregateFunction<Row, unknown, unknown>;
  return OperatorHarness.create<Row, Partial>((ctx) => new LocalWindowAggregateOperator(TumblingEventTimeWindows.of(10), () => "k", agg, ctx));
}

const partials = (h: OperatorHarness<Row, Partial>) => h.output.map(([start, end, key, acc]) => [start, end, key, (acc as { max: number }).max]);

for (const inPlace of [true, false]) {
  test(`a row after its window's partial went makes a new partial (accumulator ${inPlace ? "in place" : "replaced"})`, async () => {
    const h = await harness(inPlace);
    h.processElements([[3], [7], [5]], [1, 2, 3]);
    h.processWatermark(9);
    assert.deepEqual(partials(h), [[0, 10, "k", 7]]);
    // Late here (the watermark passed 9) but not this operator's to drop: the global phase decides.
    // Its window is the last row's, whose pane the flush deleted.
    h.processElements([[4], [30]], [4, 12]);
    // Behind this subtask's watermark: sent at the end of its batch, not held for the next watermark, which the
    // global phase's (the lowest of its inputs') might pass meanwhile.
    assert.deepEqual(partials(h), [
      [0, 10, "k", 7],
      [0, 10, "k", 4],
    ]);
    h.processWatermark(100);
    assert.deepEqual(partials(h), [
      [0, 10, "k", 7],
      [0, 10, "k", 4],
      [10, 20, "k", 30],
    ]);
  });
}

test("with a slice, a HOP row goes into its one slice: a partial per (slice, key), stamped at the slice's end - 1, sent when the watermark passes that end", async () => {
  const agg = max(true) as AggregateFunction<Row, unknown, unknown>;
  const h = await OperatorHarness.create<Row, Partial>((ctx) => new LocalWindowAggregateOperator(SlidingEventTimeWindows.of(6, 2), (r) => (r[0] as number) % 2, agg, ctx, 2));
  h.processElements([[3], [7], [4], [9], [8]], [0, 1, 2, 3, 5]);
  h.processWatermark(3);
  assert.deepEqual(partials(h), [
    [0, 2, 1, 7],
    [2, 4, 0, 4],
    [2, 4, 1, 9],
  ]);
  assert.deepEqual(h.outputTimestamps, [1, 3, 3]);
  h.processWatermark(5);
  assert.deepEqual(partials(h).slice(3), [[4, 6, 0, 8]]);
});

test("with a slice, a row of the slice whose partial went (the slice of the row before the flush) makes a new partial", async () => {
  const agg = max(true) as AggregateFunction<Row, unknown, unknown>;
  const h = await OperatorHarness.create<Row, Partial>((ctx) => new LocalWindowAggregateOperator(SlidingEventTimeWindows.of(6, 2), () => 7, agg, ctx, 2));
  h.processElements([[3], [5]], [0, 1]);
  h.processWatermark(1);
  h.processElements([[4], [9], [2]], [1, 2, 0]);
  h.processWatermark(3);
  assert.deepEqual(partials(h), [
    [0, 2, 7, 5],
    [0, 2, 7, 4],
    [2, 4, 7, 9],
  ]);
  assert.deepEqual(h.outputTimestamps, [1, 1, 3]);
});
