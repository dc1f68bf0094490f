/**
 * StatusWatermarkValve on its own: what it emits for a sequence of channel watermarks, idleness
 * and ends, the cases of Flink's StatusWatermarkValveTest that apply to Sluice's channels.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { MAX_WATERMARK } from "../time/Watermark.js";
import { StatusWatermarkValve } from "./StatusWatermarkValve.js";

/** A valve with `n` channels, and what it emitted (watermarks as numbers, statuses as "idle"/"active"). */
function valve(n: number): { valve: StatusWatermarkValve; out: (number | string)[] } {
  const out: (number | string)[] = [];
  const v = new StatusWatermarkValve({ emitWatermark: (w) => out.push(w), emitWatermarkStatus: (idle) => out.push(idle ? "idle" : "active") });
  for (let i = 0; i < n; i++) v.addChannel();
  return { valve: v, out };
}

test("the output watermark is the minimum over the active channels, emitted once it moves up", () => {
  const { valve: v, out } = valve(3);
  v.inputWatermark(5, 0);
  v.inputWatermark(3, 1);
  assert.deepEqual(out, [], "channel 2 has no watermark yet");
  v.inputWatermark(8, 2);
  assert.deepEqual(out, [3]);
  v.inputWatermark(2, 1); // a channel's own watermark never goes back either
  v.inputWatermark(6, 1);
  assert.deepEqual(out, [3, 5]);
  v.inputWatermark(9, 0);
  assert.deepEqual(out, [3, 5, 6]);
});

test("an idle channel is left out of the minimum", () => {
  const { valve: v, out } = valve(2);
  v.inputWatermark(10, 0);
  v.inputWatermark(4, 1);
  v.inputWatermarkStatus(true, 1);
  assert.deepEqual(out, [4, 10], "the minimum moves up to the remaining active channel");
  v.inputWatermark(12, 0);
  v.inputWatermark(50, 1); // ignored while idle: its producer marks it active first
  v.inputWatermark(13, 0);
  assert.deepEqual(out, [4, 10, 12, 13]);
});

test("when every channel is idle the valve flushes the highest watermark and goes idle, and wakes with the first active channel", () => {
  const { valve: v, out } = valve(2);
  v.inputWatermark(10, 0);
  v.inputWatermark(4, 1);
  v.inputWatermarkStatus(true, 0);
  v.inputWatermarkStatus(true, 1);
  assert.deepEqual(out, [4, 10, "idle"]);
  v.inputWatermarkStatus(true, 1); // no change, nothing emitted
  v.inputWatermarkStatus(false, 0);
  assert.deepEqual(out, [4, 10, "idle", "active"]);
});

test("a channel back from idle below the output watermark does not move it back, nor hold it until it catches up", () => {
  const { valve: v, out } = valve(2);
  v.inputWatermark(3, 0);
  v.inputWatermark(20, 1);
  v.inputWatermarkStatus(true, 0);
  assert.deepEqual(out, [3, 20]);
  v.inputWatermarkStatus(false, 0); // back at 3, below 20
  v.inputWatermark(5, 0);
  assert.deepEqual(out, [3, 20], "never back to 3 or 5");
  v.inputWatermark(30, 1);
  assert.deepEqual(out, [3, 20, 30], "channel 0 does not count until it catches up");
  v.inputWatermark(25, 0); // still below the output (30)
  v.inputWatermark(40, 1);
  assert.deepEqual(out, [3, 20, 30, 40]);
  v.inputWatermark(45, 0); // caught up (≥ 40): counts again
  v.inputWatermark(60, 1);
  assert.deepEqual(out, [3, 20, 30, 40, 45], "channel 0 at 45 is the minimum now");
});

test("an ended channel stops counting; with the others idle the valve goes idle; allEnded once every channel ended", () => {
  const { valve: v, out } = valve(3);
  v.inputWatermark(2, 0);
  v.inputWatermark(7, 1);
  v.inputWatermark(9, 2);
  v.inputWatermarkStatus(true, 2);
  assert.deepEqual(out, [2]);
  assert.equal(v.endOfInput(0), false);
  assert.deepEqual(out, [2, 7]);
  v.inputWatermarkStatus(true, 1);
  assert.deepEqual(out, [2, 7, 9, "idle"]);
  assert.equal(v.endOfInput(1), false);
  assert.equal(v.endOfInput(2), true);
  assert.equal(v.allEnded, true);
});

test("after a restore the valve emits nothing until the channels pass the restored watermark", () => {
  const { valve: v, out } = valve(2);
  v.restore(100);
  v.inputWatermark(50, 0);
  v.inputWatermark(MAX_WATERMARK, 1);
  assert.deepEqual(out, []);
  v.inputWatermark(101, 0);
  assert.deepEqual(out, [101]);
});
