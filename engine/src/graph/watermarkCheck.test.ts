/**
 * The plan-time watermark check: an event-time window that no watermark can ever reach is a
 * `PlanError` at `execute()` (it would run forever with an empty chart); one that fires only at the
 * end of bounded input is a warning on the job (the kernel prints it in the cell).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { StreamEnvironment } from "../api/StreamEnvironment.js";
import { DataGen } from "../connectors/datagen/DataGen.js";
import { PlanError } from "../errors/errors.js";
import { sinks } from "../sinks/sinks.js";
import { TestSource } from "../testing/TestSource.js";
import { WatermarkStrategy } from "../time/WatermarkStrategy.js";
import { CountTrigger } from "../windows/Trigger.js";
import { TumblingEventTimeWindows, TumblingProcessingTimeWindows } from "../windows/WindowAssigner.js";

const byTs = () => WatermarkStrategy.forMonotonousTimestamps<number>().withTimestampAssigner((x) => x);

function planError(run: () => unknown): PlanError {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof PlanError, `a PlanError, got ${String(error)}`);
    return error;
  }
  assert.fail("execute() should have thrown a PlanError");
}

test("an event-time window over an unbounded source without a watermark strategy is a PlanError naming the source", () => {
  const env = StreamEnvironment.create();
  env
    .fromSource(DataGen.pageViews({ rate: 100 }), undefined, "views")
    .keyBy((v) => v.page)
    .window(TumblingEventTimeWindows.of(10_000))
    .count()
    .sinkTo(sinks.collect());
  const error = planError(() => env.execute("no watermarks"));
  assert.equal(error.problems.length, 1);
  assert.match(error.problems[0]!, /'window\.count' \(event-time window TumblingEventTimeWindows\(10000\)\) would never fire: source 'views' is unbounded and carries no watermarks/);
  assert.match(error.problems[0]!, /WatermarkStrategy\.noWatermarks\(\)/, "says how to opt in on purpose");
});

test("one unbounded input without watermarks holds a union back for ever, even when the other input has them", () => {
  const env = StreamEnvironment.create();
  const withWm = env.fromSource(new TestSource<number>("ticks"), byTs());
  const without = env.fromSource(new TestSource<number>("raw"));
  withWm
    .union(without)
    .keyBy(() => 0)
    .window(TumblingEventTimeWindows.of(10))
    .count()
    .sinkTo(sinks.collect());
  const error = planError(() => env.execute("union"));
  assert.match(error.problems[0]!, /source 'raw' is unbounded and carries no watermarks .*the minimum over its inputs/);
});

test("an assigner on the way, noWatermarks() on purpose, processing time or a count trigger: no problem, no warning", async () => {
  const env = StreamEnvironment.create();
  const raw = () => env.fromSource(new TestSource<number>("raw"));
  raw()
    .assignTimestampsAndWatermarks(byTs())
    .keyBy(() => 0)
    .window(TumblingEventTimeWindows.of(10))
    .count()
    .sinkTo(sinks.collect());
  env
    .fromSource(
      new TestSource<number>("explicit"),
      WatermarkStrategy.noWatermarks<number>().withTimestampAssigner((x) => x),
    )
    .keyBy(() => 0)
    .window(TumblingEventTimeWindows.of(10))
    .count()
    .sinkTo(sinks.collect());
  raw()
    .keyBy(() => 0)
    .window(TumblingProcessingTimeWindows.of(10))
    .count()
    .sinkTo(sinks.collect());
  raw()
    .keyBy(() => 0)
    .window(TumblingEventTimeWindows.of(10))
    .trigger(CountTrigger.of(2))
    .count()
    .sinkTo(sinks.collect());
  const job = env.execute("fine");
  assert.deepEqual(job.warnings, []);
  await job.cancel();
});

test("a bounded source without watermarks: a warning, and the windows fire at the end of input, as in Flink", async () => {
  const env = StreamEnvironment.create();
  const out = sinks.collect<{ start: number; value: number }>();
  env
    .fromSource(DataGen.sequence({ count: 30 }), undefined, "numbers")
    .map((x) => x)
    .assignTimestampsAndWatermarks(WatermarkStrategy.noWatermarks<number>().withTimestampAssigner((x) => x))
    .keyBy(() => 0)
    .window(TumblingEventTimeWindows.of(10))
    .count()
    .sinkTo(out);
  const quiet = env.execute("explicit");
  assert.deepEqual(quiet.warnings, [], "noWatermarks() mid-pipeline says it on purpose too");
  await quiet.wait();

  const timestamped = env.fromSource(DataGen.pageViews({ count: 50, rate: Infinity }), undefined, "views");
  timestamped
    .keyBy(() => 0)
    .window(TumblingEventTimeWindows.of(60_000))
    .count()
    .sinkTo(out);
  const job = env.execute("bounded");
  assert.equal(job.warnings.length, 1);
  assert.match(job.warnings[0]!, /'window\.count' \(event-time window .*\) fires only when source 'views' ends: no input carries watermarks/);
  await job.wait();
  assert.ok(out.values.length > 0, "fired at the end");
});

test("a bounded source without watermarks next to one with: a warning that it holds the others back until it ends", async () => {
  const env = StreamEnvironment.create();
  const ticks = new TestSource<number>("ticks");
  env
    .fromSource(ticks, byTs())
    .union(env.fromSource(DataGen.pageViews({ count: 5, rate: Infinity }), undefined, "views").map((v) => v.ts))
    .keyBy(() => 0)
    .window(TumblingEventTimeWindows.of(10))
    .count()
    .sinkTo(sinks.collect());
  const job = env.execute("mixed");
  assert.equal(job.warnings.length, 1);
  assert.match(job.warnings[0]!, /fires only when source 'views' ends: it carries no watermarks and holds back the others'/);
  await job.cancel();
});
