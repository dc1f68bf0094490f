/**
 * `autoWatermarkInterval` paces periodic watermark generation wherever watermarks are generated: in
 * a source and in `assignTimestampsAndWatermarks` downstream of one (Flink's
 * `pipeline.auto-watermark-interval` applies to both). Driven by a ManualClock.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { StreamEnvironment } from "../api/StreamEnvironment.js";
import { sinks } from "../sinks/sinks.js";
import { ManualClock } from "../testing/ManualClock.js";
import { TestSource } from "../testing/TestSource.js";
import type { Clock } from "../time/Clock.js";
import type { WatermarkGenerator } from "../time/WatermarkGenerator.js";
import { WatermarkStrategy } from "../time/WatermarkStrategy.js";

/** Records the processing times at which it was asked for a periodic watermark. */
class PeriodicCalls implements WatermarkGenerator<number> {
  constructor(
    private readonly clock: Clock,
    private readonly calls: number[],
  ) {}
  onEvent(): void {}
  onPeriodicEmit(): void {
    this.calls.push(this.clock.now());
  }
}

const recording = (calls: number[]) => WatermarkStrategy.forGenerator<number>(({ clock }) => new PeriodicCalls(clock, calls)).withTimestampAssigner((x) => x);

test("assignTimestampsAndWatermarks downstream of a source emits periodically every autoWatermarkInterval, as the source does", async () => {
  const clock = new ManualClock(0);
  const env = StreamEnvironment.create({ clock, autoWatermarkInterval: 1000 });
  const atSource: number[] = [];
  const midPipeline: number[] = [];
  const src = new TestSource<number>("numbers");
  env
    .fromSource(src, recording(atSource))
    .map((x) => x)
    .assignTimestampsAndWatermarks(recording(midPipeline))
    .sinkTo(sinks.collect());
  const job = env.execute("auto watermark interval");
  src.push(1);
  await job.whenIdle();
  for (let t = 100; t <= 2500; t += 100) {
    clock.setTime(t);
    await job.whenIdle();
  }
  // After the batch at 0, then every 1000 ms while waiting; the mid-pipeline one likewise.
  assert.deepEqual(atSource, [0, 1000, 2000]);
  assert.deepEqual(midPipeline, [0, 1000, 2000]);
  src.end();
  await job.wait();
});
