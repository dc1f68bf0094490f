import assert from "node:assert/strict";
import { test } from "node:test";
import { OutputTag } from "../api/OutputTag.js";
import { StreamEnvironment } from "../api/StreamEnvironment.js";
import { sinks } from "../sinks/sinks.js";
import { assertMissingTimestamp } from "../testing/assertMissingTimestamp.js";
import { ManualClock } from "../testing/ManualClock.js";
import { TestSource } from "../testing/TestSource.js";
import { WatermarkStrategy } from "../time/WatermarkStrategy.js";
import { Aggregators } from "../windows/AggregateFunction.js";
import { ContinuousEventTimeTrigger, CountTrigger, PurgingTrigger } from "../windows/Trigger.js";
import { EventTimeSessionWindows, GlobalWindows, SlidingEventTimeWindows, TumblingEventTimeWindows, TumblingProcessingTimeWindows } from "../windows/WindowAssigner.js";
import type { WindowResult } from "../windows/WindowFunction.js";

interface Ev {
  k: string;
  ts: number;
  v: number;
}
const ev = (k: string, ts: number, v = 1): Ev => ({ k, ts, v });
const strategy = (bound: number) => WatermarkStrategy.forBoundedOutOfOrderness<Ev>(bound).withTimestampAssigner((e) => e.ts);
const sortResults = <K, V>(rs: WindowResult<K, V>[]) => [...rs].sort((a, b) => String(a.key).localeCompare(String(b.key)) || a.start - b.start || a.firing - b.firing);

test("tumbling event-time count per key on a bounded stream", async () => {
  const env = StreamEnvironment.create();
  const out = sinks.collect<WindowResult<string, number>>();
  env
    .fromSource(arraySrc([ev("a", 1), ev("b", 2), ev("a", 9), ev("a", 10), ev("b", 25)]), strategy(0))
    .keyBy((e) => e.k)
    .window(TumblingEventTimeWindows.of(10))
    .count()
    .sinkTo(out);
  await env.execute().wait();
  assert.deepEqual(
    sortResults(out.values).map((r) => [r.key, r.start, r.end, r.value]),
    [
      ["a", 0, 10, 2],
      ["a", 10, 20, 1],
      ["b", 0, 10, 1],
      ["b", 20, 30, 1],
    ],
  );
  // Window results carry the window's max timestamp.
  assert.ok(out.timestamps.every((t, i) => t === out.values[i]!.end - 1));
});

function arraySrc<T>(values: T[]) {
  const src = new TestSource<T>();
  src.push(...values).end();
  return src;
}

test("windows fire as the watermark passes, not before", async () => {
  const clock = new ManualClock(0);
  const env = StreamEnvironment.create({ clock });
  const src = new TestSource<Ev>();
  const out = sinks.collect<WindowResult<string, number>>();
  env
    .fromSource(src, strategy(5))
    .keyBy((e) => e.k)
    .window(TumblingEventTimeWindows.of(10))
    .count()
    .sinkTo(out);
  const job = env.execute();
  src.push(ev("a", 3), ev("a", 12));
  await job.whenIdle();
  assert.equal(out.values.length, 0, "watermark 12-5-1=6 < 9: window [0,10) must stay open");
  src.push(ev("a", 15));
  await job.whenIdle();
  assert.deepEqual(
    out.values.map((r) => [r.start, r.value]),
    [[0, 1]],
  );
  assert.equal(job.metrics().operators.find((o) => o.name === "window.count")!.watermark, 9);
  src.end();
  await job.wait();
  assert.deepEqual(
    out.values.map((r) => [r.start, r.value]),
    [
      [0, 1],
      [10, 2],
    ],
  );
});

test("allowed lateness re-fires with late=true; later data goes to the side output", async () => {
  const env = StreamEnvironment.create();
  const src = new TestSource<Ev>();
  const late = new OutputTag<Ev>("late");
  const out = sinks.collect<WindowResult<string, number>>();
  const lateOut = sinks.collect<Ev>();
  const counts = env
    .fromSource(src, strategy(0))
    .keyBy((e) => e.k)
    .window(TumblingEventTimeWindows.of(10))
    .allowedLateness(5)
    .sideOutputLateData(late)
    .aggregateWithWindow(Aggregators.sum((e: Ev) => e.v));
  counts.sinkTo(out);
  counts.getSideOutput(late).sinkTo(lateOut);
  const job = env.execute();
  src.push(ev("a", 1, 1), ev("a", 11, 1)); // watermark 10: [0,10) fires (sum 1)
  await job.whenIdle();
  src.push(ev("a", 2, 5)); // late but within lateness (cleanup at 9+5=14 > 10): re-fire, sum 6
  await job.whenIdle();
  src.push(ev("a", 16, 1)); // watermark 15 >= 14: window [0,10) cleaned up
  await job.whenIdle();
  src.push(ev("a", 3, 100)); // too late
  src.end();
  await job.wait();
  const forFirst = out.values.filter((r) => r.start === 0);
  assert.deepEqual(
    forFirst.map((r) => [r.value, r.firing, r.late]),
    [
      [1, 0, false],
      [6, 1, true],
    ],
  );
  assert.deepEqual(lateOut.values, [ev("a", 3, 100)]);
});

test("late records without a side output are counted, not silently dropped", async () => {
  const env = StreamEnvironment.create({ batchSize: 1 });
  const out = sinks.collect<WindowResult<string, number>>();
  env
    .fromSource(arraySrc([ev("a", 20), ev("a", 1)]), strategy(0))
    .keyBy((e) => e.k)
    .window(TumblingEventTimeWindows.of(10))
    .count()
    .sinkTo(out);
  const result = await env.execute().wait();
  assert.equal(result.metrics.operators.find((o) => o.name === "window.count")!.lateRecordsDropped, 1);
  assert.deepEqual(
    out.values.map((r) => r.start),
    [20],
  );
});

test("sliding windows assign each record to size/slide windows", async () => {
  const env = StreamEnvironment.create();
  const out = sinks.collect<WindowResult<string, number>>();
  env
    .fromSource(arraySrc([ev("a", 7)]), strategy(0))
    .keyBy((e) => e.k)
    .window(SlidingEventTimeWindows.of(10, 5))
    .count()
    .sinkTo(out);
  await env.execute().wait();
  assert.deepEqual(
    sortResults(out.values).map((r) => [r.start, r.end]),
    [
      [0, 10],
      [5, 15],
    ],
  );
});

test("session windows merge records closer than the gap, also when bridged out of order", async () => {
  const env = StreamEnvironment.create({ batchSize: 1 });
  const out = sinks.collect<WindowResult<string, Ev[]>>();
  env
    .fromSource(arraySrc([ev("a", 0), ev("a", 30), ev("a", 3), ev("a", 14), ev("a", 100), ev("b", 1)]), strategy(100))
    .keyBy((e) => e.k)
    .window(EventTimeSessionWindows.withGap(10))
    .aggregateWithWindow(Aggregators.toList<Ev>())
    .sinkTo(out);
  await env.execute().wait();
  // 0,3 -> [0,13); 14 touches? 13 < 14 so no... 14's window [14,24) and 30's [30,40) stay apart.
  assert.deepEqual(
    sortResults(out.values).map((r) => [r.key, r.start, r.end, r.value.map((e) => e.ts).sort((x, y) => x - y)]),
    [
      ["a", 0, 13, [0, 3]],
      ["a", 14, 24, [14]],
      ["a", 30, 40, [30]],
      ["a", 100, 110, [100]],
      ["b", 1, 11, [1]],
    ],
  );
});

test("a session bridging two sessions merges all three", async () => {
  const env = StreamEnvironment.create({ batchSize: 1 });
  const out = sinks.collect<WindowResult<string, number>>();
  env
    .fromSource(arraySrc([ev("a", 0), ev("a", 20), ev("a", 10)]), strategy(100))
    .keyBy((e) => e.k)
    .window(EventTimeSessionWindows.withGap(10))
    .count()
    .sinkTo(out);
  await env.execute().wait();
  assert.deepEqual(
    out.values.map((r) => [r.start, r.end, r.value]),
    [[0, 30, 3]],
  );
});

test("global windows with a purging count trigger fire every n records", async () => {
  const env = StreamEnvironment.create();
  const out = sinks.collect<number>();
  env
    .fromArray([1, 2, 3, 4, 5, 6, 7])
    .keyBy(() => "all")
    .window(GlobalWindows.create())
    .trigger(PurgingTrigger.of(CountTrigger.of(3)))
    .reduce((a, b) => a + b)
    .sinkTo(out);
  await env.execute().wait();
  assert.deepEqual(out.values, [6, 15]);
});

test("countWindow with slide keeps the last n records", async () => {
  const env = StreamEnvironment.create();
  const out = sinks.collect<number[]>();
  env
    .fromArray([1, 2, 3, 4, 5, 6])
    .keyBy(() => 0)
    .countWindow(3, 2)
    .aggregate(Aggregators.toList<number>())
    .sinkTo(out);
  await env.execute().wait();
  assert.deepEqual(out.values, [
    [1, 2],
    [2, 3, 4],
    [4, 5, 6],
  ]);
});

test("process window function sees key, window and all elements", async () => {
  const env = StreamEnvironment.create();
  const out = sinks.collect<string>();
  env
    .fromSource(arraySrc([ev("x", 1, 2), ev("x", 4, 3)]), strategy(0))
    .keyBy((e) => e.k)
    .window(TumblingEventTimeWindows.of(5))
    .process<string>((key, ctx, elements, collector) => collector.collect(`${key}@${ctx.window.start}-${ctx.window.end}:${elements.map((e) => e.v).join("+")}`))
    .sinkTo(out);
  await env.execute().wait();
  assert.deepEqual(out.values, ["x@0-5:2+3"]);
});

test("reduce with a window function", async () => {
  const env = StreamEnvironment.create();
  const out = sinks.collect<[string, number, number]>();
  env
    .fromSource(arraySrc([ev("x", 1, 2), ev("x", 4, 3), ev("x", 7, 10)]), strategy(0))
    .keyBy((e) => e.k)
    .window(TumblingEventTimeWindows.of(5))
    .reduce<[string, number, number]>(
      (a, b) => ({ ...a, v: Math.max(a.v, b.v) }),
      (key, ctx, [max], collector) => collector.collect([key, ctx.window.start, max!.v]),
    )
    .sinkTo(out);
  await env.execute().wait();
  assert.deepEqual(out.values, [
    ["x", 0, 3],
    ["x", 5, 10],
  ]);
});

test("continuous trigger gives early results before the window closes", async () => {
  const env = StreamEnvironment.create({ batchSize: 1 });
  const out = sinks.collect<WindowResult<string, number>>();
  env
    .fromSource(arraySrc([ev("a", 1), ev("a", 12), ev("a", 25), ev("a", 70), ev("a", 150)]), strategy(0))
    .keyBy((e) => e.k)
    .window(TumblingEventTimeWindows.of(100))
    .trigger(ContinuousEventTimeTrigger.of(20))
    .count()
    .sinkTo(out);
  await env.execute().wait();
  const first = out.values.filter((r) => r.start === 0).map((r) => r.value);
  assert.ok(first.length >= 3, `expected early firings, got ${JSON.stringify(first)}`);
  assert.equal(first.at(-1), 4);
  assert.deepEqual(
    first,
    [...first].sort((a, b) => a - b),
  );
});

test("processing-time tumbling windows fire on the clock", async () => {
  const clock = new ManualClock(1000);
  const env = StreamEnvironment.create({ clock });
  const src = new TestSource<string>();
  const out = sinks.collect<WindowResult<string, number>>();
  env
    .fromSource(src)
    .keyBy((s) => s)
    .window(TumblingProcessingTimeWindows.of(100))
    .count()
    .sinkTo(out);
  const job = env.execute();
  src.push("a", "a", "b");
  await job.whenIdle();
  assert.equal(out.values.length, 0);
  clock.advance(100);
  await job.whenIdle();
  assert.deepEqual(
    sortResults(out.values).map((r) => [r.key, r.start, r.value]),
    [
      ["a", 1000, 2],
      ["b", 1000, 1],
    ],
  );
  src.push("a");
  await job.whenIdle();
  clock.advance(100);
  await job.whenIdle();
  assert.deepEqual(out.values.at(-1)!.start, 1100);
  await job.cancel();
  assert.equal(job.status, "cancelled");
});

test("event-time window on records without timestamps fails with MissingTimestampError", async () => {
  const env = StreamEnvironment.create();
  env
    .fromArray([1])
    .keyBy((x) => x)
    .window(TumblingEventTimeWindows.of(10))
    .count()
    .sinkTo(sinks.collect());
  const result = await env.execute("nots").done;
  assert.equal(result.status, "failed");
  assert.equal(result.error!.name, "MissingTimestampError");
  assert.match(result.error!.message, /withTimestampAssigner/);
});

test("event-time window on records whose timestamp assigner returned no number (undefined) fails with MissingTimestampError, not silently", async () => {
  const env = StreamEnvironment.create();
  env
    .fromArray([{ k: "a", ts: 1 }])
    .assignTimestampsAndWatermarks(WatermarkStrategy.forMonotonousTimestamps<{ k: string; ts: number }>().withTimestampAssigner((e) => (e as unknown as { time: number }).time))
    .keyBy((e) => e.k)
    .window(TumblingEventTimeWindows.of(10))
    .count()
    .sinkTo(sinks.collect());
  assertMissingTimestamp(await env.execute("undefined ts").done, { job: "undefined ts", operator: /window/, key: "a", record: { k: "a", ts: 1 } });
});

test("window results over several parallel subtasks equal the single-subtask results", async () => {
  const data = Array.from({ length: 2000 }, (_, i) => ev(`k${(i * 7) % 13}`, i * 3 - (i % 5), i % 10));
  const run = async (parallelism: number) => {
    const env = StreamEnvironment.create({ parallelism, batchSize: 64 });
    const out = sinks.collect<WindowResult<string, number>>();
    env
      .fromSource(arraySrc(data), strategy(5))
      .keyBy((e) => e.k)
      .window(TumblingEventTimeWindows.of(50))
      .aggregateWithWindow(Aggregators.sum((e: Ev) => e.v))
      .sinkTo(out);
    await env.execute().wait();
    return sortResults(out.values).map((r) => [r.key, r.start, r.value]);
  };
  const one = await run(1);
  assert.ok(one.length > 100);
  assert.deepEqual(await run(4), one);
});
