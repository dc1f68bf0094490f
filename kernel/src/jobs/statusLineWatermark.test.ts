/** The status line names the input that holds a job's watermark back (from `job.metrics().watermarkHold`). */
import assert from "node:assert/strict";
import { test } from "node:test";
import { Aggregators, MIN_WATERMARK, StreamEnvironment, Time, TumblingEventTimeWindows, TestSource, sinks, type JobHandle, type JobMetrics, type WatermarkHold } from "../../../engine/src/index.js";
import { statusBundle, watermarkHoldText } from "./statusLine.js";

const at = { source: "orders", subtask: 0, parallelism: 1 };

test("each reason reads as a short phrase naming the source, its subtask when parallel, and the split", () => {
  const texts = (
    [
      { ...at, reason: "no-strategy", watermark: MIN_WATERMARK },
      { ...at, reason: "quiet", split: "orders[2]", watermark: MIN_WATERMARK },
      { ...at, reason: "quiet", split: "orders[2]", watermark: 1_700_000_000_000, quietFor: 42_300 },
      { ...at, subtask: 1, parallelism: 2, reason: "lagging", split: "orders[2]", watermark: 1_700_000_000_000 },
      { ...at, reason: "lagging", watermark: 499 },
    ] satisfies WatermarkHold[]
  ).map(watermarkHoldText);
  assert.deepEqual(texts, [
    "held back by 'orders' (no watermark strategy)",
    "held back by 'orders' (split orders[2] no records yet)",
    "held back by 'orders' (split orders[2] idle for 42 s, no withIdleness)",
    "held back by 'orders' subtask 1 (split orders[2] lagging at 2023-11-14 22:13:20Z)",
    "held back by 'orders' (lagging at 499)",
  ]);
});

test("the status line of a running job without a watermark strategy says what holds its watermark", async () => {
  const env = StreamEnvironment.create();
  const src = new TestSource<number>("clicks");
  // A bounded source (as far as the plan knows) into an event-time window: it fires only at the end.
  Object.defineProperty(src, "bounded", { value: true });
  env
    .fromSource(src)
    .keyBy(() => "k")
    .window(TumblingEventTimeWindows.of(Time.seconds(1)))
    .aggregate(Aggregators.count())
    .sinkTo(sinks.collect());
  const job = env.execute("clicks");
  src.pushWithTimestamp(1, 1);
  await job.whenIdle();
  const bundle = statusBundle(job, job.metrics(), 0);
  assert.match(String(bundle["text/plain"]), /· watermark none yet, held back by 'clicks' \(no watermark strategy\) ·/);
  assert.match(String(bundle["text/html"]), /held back by 'clicks' \(no watermark strategy\)/);
  await job.cancel();
  const over: JobMetrics = job.metrics();
  assert.doesNotMatch(String(statusBundle(job as JobHandle, over, 0)["text/plain"]), /held back/, "a cancelled job holds nothing back");
});
