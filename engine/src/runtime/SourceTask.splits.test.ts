/**
 * Per-split watermarks through a whole job: a fake source made of splits (like Kafka partitions)
 * read by one subtask. Its watermark must be the minimum over its splits, ignore idle splits, and
 * wait for splits that have not reported yet.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { StreamEnvironment } from "../api/StreamEnvironment.js";
import { sinks } from "../sinks/sinks.js";
import { ManualClock } from "../testing/ManualClock.js";
import { tempDir } from "../testing/tempDir.js";
import { SplitTestSource, type SplitEvent as Ev } from "../testing/SplitTestSource.js";
import { MIN_WATERMARK } from "../time/Watermark.js";
import { WatermarkStrategy } from "../time/WatermarkStrategy.js";
import { TumblingEventTimeWindows } from "../windows/WindowAssigner.js";
import type { WindowResult } from "../windows/WindowFunction.js";

const byTs = () => WatermarkStrategy.forMonotonousTimestamps<Ev>().withTimestampAssigner((e) => e.ts);

function windowJob(source: SplitTestSource, strategy: WatermarkStrategy<Ev>, clock = new ManualClock(0)) {
  const env = StreamEnvironment.create({ clock, autoWatermarkInterval: 100 });
  const out = sinks.collect<WindowResult<number, number>>();
  env
    .fromSource(source, strategy)
    .keyBy(() => 0)
    .window(TumblingEventTimeWindows.of(10))
    .count()
    .sinkTo(out);
  return { job: env.execute("splits"), out, clock };
}

test("one subtask, two splits: the slow split holds back event time, as if each were its own source", async () => {
  const source = new SplitTestSource(["a", "b"]);
  const { job, out } = windowJob(source, byTs());
  source.push("a", 1, 5, 25, 31);
  await job.whenIdle();
  assert.equal(out.watermark, MIN_WATERMARK, "b has no watermark yet");
  source.push("b", 3);
  await job.whenIdle();
  assert.equal(out.watermark, 2, "min(a: 30, b: 2)");
  assert.equal(out.values.length, 0, "window [0, 10) still open: b may send more of it");
  source.push("b", 7, 12);
  await job.whenIdle();
  assert.equal(out.watermark, 11);
  assert.deepEqual(
    out.values.map((r) => [r.start, r.value]),
    [[0, 4]],
    "b's 7 was on time: a single generator would have dropped it",
  );
  await job.cancel();
});

test("a split idle for the idleness timeout stops holding back; it rejoins when it gets data", async () => {
  const source = new SplitTestSource(["busy", "quiet"]);
  const { job, out, clock } = windowJob(source, byTs().withIdleness(1_000));
  source.push("quiet", 2);
  source.push("busy", 4);
  await job.whenIdle();
  assert.equal(out.watermark, 1);
  clock.advance(600);
  source.push("busy", 15);
  await job.whenIdle();
  assert.equal(out.watermark, 1, "quiet is not idle yet");
  clock.advance(500);
  await job.whenIdle();
  assert.equal(out.watermark, 14, "quiet is idle: busy alone decides");
  assert.deepEqual(
    out.values.map((r) => [r.start, r.value]),
    [[0, 2]],
  );
  source.push("quiet", 16);
  source.push("busy", 45);
  await job.whenIdle();
  assert.equal(out.watermark, 15, "quiet rejoined and holds busy (44) back");
  await job.cancel();
});

test("while the reader does not know its splits nothing is emitted; with no splits the source is idle", async () => {
  const source = new SplitTestSource(undefined);
  const other = new SplitTestSource(["x"]);
  const clock = new ManualClock(0);
  const env = StreamEnvironment.create({ clock, autoWatermarkInterval: 100 });
  const out = sinks.collect<Ev>();
  env.fromSource(source, byTs()).union(env.fromSource(other, byTs())).sinkTo(out);
  const job = env.execute("unknown splits");
  other.push("x", 50);
  clock.advance(100);
  await job.whenIdle();
  assert.equal(out.watermark, MIN_WATERMARK, "the source with unknown splits holds the union back");
  source.current = [];
  clock.advance(100);
  await job.whenIdle();
  assert.equal(out.watermark, 49, "no splits: idle, so the other source decides");
  await job.cancel();
});

test("per-split watermarks are not checkpointed (as Flink's SourceOperator): after a restore every split starts without one", async () => {
  const dir = tempDir("sluice-split-restore-");
  const source = new SplitTestSource(["a", "b"]);
  const run = (restoreFrom?: string) => {
    const env = StreamEnvironment.create({ autoWatermarkInterval: 100 }).enableCheckpointing({ directory: dir });
    const out = sinks.collect<WindowResult<number, number>>();
    env
      .fromSource(source, byTs())
      .uid("splits")
      .keyBy(() => 0)
      .window(TumblingEventTimeWindows.of(10))
      .count()
      .uid("count")
      .sinkTo(out)
      .uid("out");
    return { job: env.execute("split restore", restoreFrom === undefined ? {} : { restoreFrom }), out };
  };
  const first = run();
  source.push("a", 1, 45);
  source.push("b", 22);
  await first.job.whenIdle();
  assert.deepEqual(
    first.out.values.map((r) => [r.start, r.value]),
    [[0, 1]],
    "min(a: 44, b: 21): only [0, 10) fired",
  );
  await first.job.savepoint("held");
  await first.job.cancel();

  const second = run("held");
  source.push("b", 35);
  await second.job.whenIdle();
  const splits = second.job.metrics().operators.find((o) => o.kind === "source")?.sourceWatermarks?.[0]?.splits;
  assert.deepEqual(
    splits?.map((s) => [s.split, s.watermark]),
    [
      ["a", MIN_WATERMARK],
      ["b", 34],
    ],
    "a's 44 was not restored",
  );
  assert.equal(second.out.values.length, 0, "so [20, 30) waits for a (a restored 44 would have fired it with b's 34)");
  source.push("a", 50);
  await second.job.whenIdle();
  assert.deepEqual(
    second.out.values.map((r) => [r.start, r.value]),
    [[20, 1]],
  );
  await second.job.cancel();
});
