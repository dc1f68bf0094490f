/**
 * `job.metrics().watermarkHold` names the source (and split) that holds a running job's event time
 * back, and why: no watermark strategy, a quiet split or source, or a lagging one. Driven by a
 * ManualClock, so no timing of the machine matters.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { StreamEnvironment } from "../api/StreamEnvironment.js";
import { sinks } from "../sinks/sinks.js";
import { ManualClock } from "../testing/ManualClock.js";
import { SplitTestSource, type SplitEvent as Ev } from "../testing/SplitTestSource.js";
import { TestSource } from "../testing/TestSource.js";
import { MIN_WATERMARK } from "../time/Watermark.js";
import { WatermarkStrategy } from "../time/WatermarkStrategy.js";
import { HOLD_AFTER_MS } from "./watermarkHold.js";
import { TumblingEventTimeWindows } from "../windows/WindowAssigner.js";
import { Time } from "../time/Time.js";
import { Aggregators } from "../windows/AggregateFunction.js";

const byTs = () => WatermarkStrategy.forMonotonousTimestamps<Ev>().withTimestampAssigner((e) => e.ts);

test("a source without a watermark strategy is named at once where event time is used, with its subtask's watermark info", async () => {
  const clock = new ManualClock(0);
  const env = StreamEnvironment.create({ clock });
  const src = new TestSource<number>("raw");
  // Bounded as far as the plan knows (the plan check refuses an unbounded one before an event-time
  // window): its windows fire at its end, and until then it holds event time back.
  Object.defineProperty(src, "bounded", { value: true });
  const raw = env.fromSource(src);
  raw.map((x) => x).sinkTo(sinks.collect());
  raw
    .keyBy(() => "k")
    .window(TumblingEventTimeWindows.of(Time.seconds(1)))
    .aggregate(Aggregators.count())
    .sinkTo(sinks.collect());
  const job = env.execute("no strategy");
  src.pushWithTimestamp(1, 1).pushWithTimestamp(2, 2); // timestamps from the source, as Kafka's
  await job.whenIdle();
  const m = job.metrics();
  assert.deepEqual(m.watermarkHold, { source: "raw", subtask: 0, parallelism: 1, reason: "no-strategy", watermark: MIN_WATERMARK });
  const info = m.operators.find((o) => o.name === "raw")!.sourceWatermarks!;
  assert.equal(info.length, 1);
  assert.equal(info[0]!.hasStrategy, false);
  assert.equal(info[0]!.lastRecordAt, 0);
  assert.equal(m.operators.find((o) => o.name === "map")!.sourceWatermarks, undefined);
  src.end();
  await job.wait();
  assert.equal(job.metrics().watermarkHold, undefined, "a job that is over holds nothing back");
});

test("a job without event-time operators names no source for lacking a watermark strategy (nothing waits for one)", async () => {
  const env = StreamEnvironment.create({ clock: new ManualClock(0) });
  const src = new TestSource<number>("raw");
  env
    .fromSource(src)
    .map((x) => x)
    .sinkTo(sinks.collect());
  const job = env.execute("processing only");
  src.push(1, 2);
  await job.whenIdle();
  assert.equal(job.metrics().watermarkHold, undefined);
  await job.cancel();
});

test("a split with no records, then a lagging split, then a quiet one: named once the watermark stood still", async () => {
  const clock = new ManualClock(0);
  const env = StreamEnvironment.create({ clock, autoWatermarkInterval: 100 });
  const source = new SplitTestSource(["orders[0]", "orders[1]"], "orders");
  env.fromSource(source, byTs()).sinkTo(sinks.collect());
  const job = env.execute("splits");
  source.push("orders[0]", 1_000, 2_000);
  await job.whenIdle();
  assert.equal(job.metrics().watermarkHold, undefined, "not yet: the watermark has not stood still for long");
  clock.advance(HOLD_AFTER_MS);
  await job.whenIdle();
  assert.deepEqual(job.metrics().watermarkHold, { source: "orders", subtask: 0, parallelism: 1, reason: "quiet", split: "orders[1]", watermark: MIN_WATERMARK });

  source.push("orders[1]", 500);
  await job.whenIdle();
  assert.equal(job.metrics().watermarkHold, undefined, "the watermark advanced to 499");
  for (let i = 0; i < 4; i++) {
    clock.advance(1_000);
    source.push("orders[0]", 3_000 + i);
    source.push("orders[1]", 500); // records keep coming, event time stays
    await job.whenIdle();
  }
  assert.deepEqual(job.metrics().watermarkHold, { source: "orders", subtask: 0, parallelism: 1, reason: "lagging", split: "orders[1]", watermark: 499 });

  clock.advance(5_000);
  await job.whenIdle();
  assert.deepEqual(job.metrics().watermarkHold, { source: "orders", subtask: 0, parallelism: 1, reason: "quiet", split: "orders[1]", watermark: 499, quietFor: 5_000 });
  const splits = job.metrics().operators[0]!.sourceWatermarks![0]!.splits!;
  assert.deepEqual(
    splits.map((s) => [s.split, s.watermark, s.idle, s.lastEventAt]),
    [
      ["orders[0]", 3_002, false, 7_000],
      ["orders[1]", 499, false, 7_000],
    ],
  );
  await job.cancel();
});

test("an idle split (withIdleness) does not hold back; an assigner downstream makes the source's watermark irrelevant", async () => {
  const clock = new ManualClock(0);
  const env = StreamEnvironment.create({ clock, autoWatermarkInterval: 100 });
  const source = new SplitTestSource(["a", "b"], "orders");
  env.fromSource(source, byTs().withIdleness(1_500)).sinkTo(sinks.collect());
  const raw = new TestSource<number>("raw");
  env
    .fromSource(raw)
    .assignTimestampsAndWatermarks(WatermarkStrategy.forMonotonousTimestamps<number>().withTimestampAssigner((x) => x))
    .sinkTo(sinks.collect());
  const job = env.execute("idle");
  raw.push(5);
  for (let i = 0; i < 10; i++) {
    source.push("a", 1_000); // a keeps sending the same time; b sends nothing and goes idle after 1.5 s
    await job.whenIdle();
    clock.advance(500);
    await job.whenIdle();
  }
  assert.deepEqual(job.metrics().watermarkHold, { source: "orders", subtask: 0, parallelism: 1, reason: "lagging", split: "a", watermark: 999 }, "not b (idle), not raw");
  await job.cancel();
});
