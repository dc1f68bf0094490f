/**
 * The mini-batch operator on its own, under a manual clock: what ends a batch (allow-latency after its
 * first row in processing time, size, a watermark, the pre-barrier hook, end of input), one fold per key
 * per batch with that key's state, and a snapshot that restores into a new operator.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { OperatorFactory } from "../../operators/Operator.js";
import type { ValueState } from "../../state/State.js";
import { OperatorHarness } from "../../testing/OperatorHarness.js";
import { type KeyedBundleFunction, MiniBatchKeyedOperator } from "./MiniBatchKeyedOperator.js";

type In = [string, number];
/** Per key: the running sum in state; each fold emits [key, sum so far, rows in this batch]. */
const summing: KeyedBundleFunction<In, [string, number, number]> & { sum?: ValueState<number> } = {
  open(state) {
    this.sum = state.getState<number>("sum");
  },
  finishKey(inputs, out) {
    const sum = this.sum as ValueState<number>;
    const total = inputs.reduce((s, [, v]) => s + v, sum.value() ?? 0);
    sum.update(total);
    out.collect([(inputs[0] as In)[0], total, inputs.length]);
  },
};
const factory: OperatorFactory = (ctx) => new MiniBatchKeyedOperator(summing, (r: In) => r[0], { latencyMs: 100, size: 5 }, ctx);
const emitted = (h: OperatorHarness<In, [string, number, number]>) => h.output.splice(0).map((r) => r.join(":"));

test("a batch ends allow-latency after its first row, at size, at a watermark, before a barrier and at end of input; one fold per key", async () => {
  const h = await OperatorHarness.create<In, [string, number, number]>(factory);
  h.setProcessingTime(1000);
  await h.processElements([
    ["a", 1],
    ["b", 2],
    ["a", 3],
  ]);
  h.setProcessingTime(1099);
  assert.deepEqual(emitted(h), []);
  h.setProcessingTime(1100);
  assert.deepEqual(emitted(h), ["a:4:2", "b:2:1"]);
  assert.equal(h.operator.nextProcessingTime?.(), Number.POSITIVE_INFINITY, "an empty batch waits for no timer");
  // Size 5: the fifth row ends the batch, the sixth starts the next.
  await h.processElements([
    ["a", 1],
    ["a", 1],
    ["c", 1],
    ["a", 1],
    ["c", 1],
    ["b", 5],
  ]);
  assert.deepEqual(emitted(h), ["a:7:3", "c:2:2"]);
  h.processWatermark(10);
  assert.deepEqual(emitted(h), ["b:7:1"]);
  await h.processElements([["c", 10]]);
  h.operator.prepareSnapshotPreBarrier?.(1);
  assert.deepEqual(emitted(h), ["c:12:1"]);
  // The snapshot holds the folded state only: a new operator restored from it goes on from there.
  const restored = await OperatorHarness.restore<In, [string, number, number]>(factory, h.snapshot());
  await restored.processElements([
    ["a", 1],
    ["c", 1],
  ]);
  await restored.finish();
  assert.deepEqual(emitted(restored), ["a:8:1", "c:13:1"]);
});
