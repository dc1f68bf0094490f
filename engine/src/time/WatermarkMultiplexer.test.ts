import assert from "node:assert/strict";
import { test } from "node:test";
import { ManualClock } from "../testing/ManualClock.js";
import { BoundedOutOfOrdernessWatermarks, WatermarksWithIdleness, type WatermarkOutput } from "./WatermarkGenerator.js";
import { WatermarkMultiplexer } from "./WatermarkMultiplexer.js";

/** Records what the multiplexer sends to the subtask's output. */
function recorder(): WatermarkOutput & { log: string[] } {
  const log: string[] = [];
  return { log, emitWatermark: (w) => log.push(`wm ${w}`), markIdle: () => log.push("idle"), markActive: () => log.push("active") };
}

test("the combined watermark is the minimum over splits, and waits for every split's first watermark", () => {
  const out = recorder();
  const mux = new WatermarkMultiplexer<null>(() => new BoundedOutOfOrdernessWatermarks(0), out);
  mux.setSplits(["a", "b"]);
  mux.onEvent("a", null, 1_000);
  mux.onPeriodicEmit();
  assert.deepEqual(out.log, [], "b has no watermark yet");
  mux.onEvent("b", null, 400);
  mux.onEvent("a", null, 5_000);
  mux.onPeriodicEmit();
  assert.deepEqual(out.log, ["wm 399"], "the slow split b holds a back");
  mux.onEvent("b", null, 9_000);
  mux.onPeriodicEmit();
  assert.deepEqual(out.log, ["wm 399", "wm 4999"]);
  assert.deepEqual(mux.splitStates(), [
    { split: "a", watermark: 4_999, idle: false },
    { split: "b", watermark: 8_999, idle: false },
  ]);
});

test("an idle split stops counting and rejoins with its next record; all idle makes the subtask idle", () => {
  const clock = new ManualClock(0);
  const out = recorder();
  const mux = new WatermarkMultiplexer<null>(() => new WatermarksWithIdleness(new BoundedOutOfOrdernessWatermarks(0), 1_000, clock), out);
  mux.setSplits(["fast", "slow"]);
  mux.onEvent("slow", null, 100);
  mux.onEvent("fast", null, 2_000);
  mux.onPeriodicEmit();
  assert.deepEqual(out.log, ["wm 99"]);
  clock.advance(600);
  mux.onEvent("fast", null, 3_000);
  mux.onPeriodicEmit();
  assert.deepEqual(out.log, ["wm 99", "wm 99"], "slow is not idle yet: it still holds fast back");
  clock.advance(500); // slow: 1 100 ms without records
  mux.onPeriodicEmit();
  assert.deepEqual(out.log.slice(2), ["wm 2999"], "idle slow no longer holds fast back");
  mux.onEvent("slow", null, 2_500);
  mux.onEvent("fast", null, 8_000);
  mux.onPeriodicEmit();
  assert.deepEqual(out.log.slice(3), ["wm 2499"], "slow rejoined: the minimum is its watermark again (the output keeps it monotonic)");
  clock.advance(1_000);
  mux.onPeriodicEmit();
  assert.deepEqual(out.log.slice(4), ["idle"], "both idle");
  mux.onEvent("fast", null, 9_000);
  mux.onPeriodicEmit();
  assert.deepEqual(out.log.slice(5), ["active", "wm 8999"]);
});

test("unknown splits hold everything back; no splits means idle; removed splits stop counting", () => {
  const out = recorder();
  const mux = new WatermarkMultiplexer<null>(() => new BoundedOutOfOrdernessWatermarks(0), out);
  mux.onEvent("x", null, 500);
  mux.onPeriodicEmit();
  assert.deepEqual(out.log, [], "splits not known yet");
  mux.setSplits([]);
  assert.deepEqual(out.log, ["idle"]);
  mux.setSplits(["x", "y"]);
  mux.onEvent("y", null, 100);
  mux.onPeriodicEmit();
  assert.deepEqual(out.log, ["idle", "active"], "x is new again (removed with the empty set): no watermark yet");
  mux.onEvent("x", null, 500);
  mux.onPeriodicEmit();
  assert.deepEqual(out.log, ["idle", "active", "wm 99"]);
  mux.setSplits(["x"]);
  assert.deepEqual(out.log.slice(3), ["wm 499"], "y is gone: only x counts");
});
