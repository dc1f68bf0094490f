/**
 * What a Flink user reaches for (issue 17): keyed rolling aggregations by field, `windowAll`,
 * `aggregate(agg, windowFn)` with an inferred output type, and sink parallelism validation.
 *
 * The expected outputs of the keyed aggregations and of windowAll are what Flink 1.20's DataStream API
 * printed for the same input: test/flink-oracle/FlinkAggregationsOracle.java (how to run it is in its
 * header). Flink's semantics in short (flink-streaming-java ComparableAggregator/SumAggregator):
 * `min`/`max`/`sum` keep the key's first record and replace only the field; `minBy`/`maxBy` return the
 * record holding the extreme (the earlier one on a tie unless `first` is false).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { ApiUsageError, PlanError } from "../errors/errors.js";
import { sinks } from "../sinks/sinks.js";
import { WatermarkStrategy } from "../time/WatermarkStrategy.js";
import { Aggregators } from "../windows/AggregateFunction.js";
import { TumblingEventTimeWindows } from "../windows/WindowAssigner.js";
import type { DataStream } from "./DataStream.js";
import type { KeyedStream } from "./KeyedStream.js";
import { StreamEnvironment } from "./StreamEnvironment.js";

interface Reading {
  k: string;
  v: number;
  id: number;
}

const READINGS: Reading[] = [
  { k: "a", v: 3, id: 1 },
  { k: "b", v: 5, id: 2 },
  { k: "a", v: 1, id: 3 },
  { k: "a", v: 1, id: 4 },
  { k: "b", v: 7, id: 5 },
  { k: "a", v: 4, id: 6 },
  { k: "b", v: 5, id: 7 },
];

/** Runs a keyed aggregation at parallelism 2 and returns each key's emitted records as `v/id`, in order. */
async function rolling(aggregate: (keyed: KeyedStream<Reading, string>) => DataStream<Reading>): Promise<Record<string, string[]>> {
  const env = StreamEnvironment.create({ parallelism: 2 });
  const out = sinks.collect<Reading>();
  aggregate(
    env
      .fromArray(READINGS)
      .setParallelism(1)
      .keyBy((r) => r.k),
  ).sinkTo(out);
  await env.execute("rolling").wait();
  const byKey: Record<string, string[]> = {};
  for (const r of out.values) (byKey[r.k] ??= []).push(`${r.v}/${r.id}`);
  return byKey;
}

test("keyed sum/min/max keep the key's first record and replace only the field (Flink's min, not minBy)", async () => {
  assert.deepEqual(await rolling((s) => s.sum("v")), { a: ["3/1", "4/1", "5/1", "9/1"], b: ["5/2", "12/2", "17/2"] });
  assert.deepEqual(await rolling((s) => s.min("v")), { a: ["3/1", "1/1", "1/1", "1/1"], b: ["5/2", "5/2", "5/2"] });
  assert.deepEqual(await rolling((s) => s.max("v")), { a: ["3/1", "3/1", "3/1", "4/1"], b: ["5/2", "7/2", "7/2"] });
});

test("keyed minBy/maxBy emit the record holding the extreme; a tie keeps the first unless first=false", async () => {
  assert.deepEqual(await rolling((s) => s.minBy("v")), { a: ["3/1", "1/3", "1/3", "1/3"], b: ["5/2", "5/2", "5/2"] });
  assert.deepEqual(await rolling((s) => s.minBy("v", false)), { a: ["3/1", "1/3", "1/4", "1/4"], b: ["5/2", "5/2", "5/7"] });
  assert.deepEqual(await rolling((s) => s.maxBy("v")), { a: ["3/1", "3/1", "3/1", "4/6"], b: ["5/2", "7/5", "7/5"] });
  assert.deepEqual(await rolling((s) => s.maxBy("v", false)), { a: ["3/1", "3/1", "3/1", "4/6"], b: ["5/2", "7/5", "7/5"] });
});

test("keyed aggregations do not mutate the input records", async () => {
  const input = READINGS.map((r) => ({ ...r }));
  const env = StreamEnvironment.create();
  await env
    .fromArray(input)
    .keyBy((r) => r.k)
    .sum("v")
    .executeAndCollect();
  assert.deepEqual(input, READINGS);
});

test("sum/min/max of class instances emit instances of the same class", async () => {
  class Meter {
    constructor(
      readonly k: string,
      readonly v: number,
    ) {}
    label(): string {
      return `${this.k}=${this.v}`;
    }
  }
  const env = StreamEnvironment.create();
  const out = await env
    .fromArray([new Meter("a", 2), new Meter("a", 3)])
    .keyBy((m) => m.k)
    .sum("v")
    .executeAndCollect();
  assert.ok(out.every((m) => m instanceof Meter));
  assert.deepEqual(
    out.map((m) => m.label()),
    ["a=2", "a=5"],
  );
});

test("min on a field holding non-comparable values fails with a message naming the field", async () => {
  const env = StreamEnvironment.create();
  env
    .fromArray<{ k: string; v: unknown }>([
      { k: "a", v: 1 },
      { k: "a", v: { nested: true } },
    ])
    .keyBy((r) => r.k)
    .min("v")
    .sinkTo(sinks.collect());
  const result = await env.execute("bad-min").done;
  assert.equal(result.status, "failed");
  assert.match(String(result.error?.cause ?? result.error), /field 'v' must hold numbers, strings, bigints or Dates of one kind to be compared, got number and object/);
});

/** Event-time values: the value is also its timestamp, so windows of 10 ms are predictable. */
function timed(env: StreamEnvironment, values: number[]): DataStream<number> {
  return env.fromArray(values).assignTimestampsAndWatermarks(WatermarkStrategy.forMonotonousTimestamps<number>().withTimestampAssigner((v) => v));
}

test("windowAll: one result per window over all records, at parallelism 1 whatever the environment's", async () => {
  const env = StreamEnvironment.create({ parallelism: 3 });
  const out = sinks.collect<{ start: number; n: number; sum: number }>();
  const perWindow = timed(env, [1, 2, 3, 11, 12, 25, 29])
    .rebalance()
    .windowAll(TumblingEventTimeWindows.of(10))
    .aggregate(
      Aggregators.stats<number>((v) => v),
      (ctx, [s]) => ({ start: ctx.window.start, n: s!.count, sum: s!.sum }),
    );
  perWindow.sinkTo(out).setParallelism(1); // one sink subtask keeps the window step's output order
  await env.execute("windowAll").wait();
  assert.deepEqual(out.values, [
    { start: 0, n: 3, sum: 6 },
    { start: 10, n: 2, sum: 23 },
    { start: 20, n: 2, sum: 54 },
  ]);
  assert.equal(perWindow.node.parallelism, 1);
});

test("windowAll's step cannot be made parallel (Flink: 'The parallelism of non parallel operator must be 1')", () => {
  const env = StreamEnvironment.create();
  timed(env, [1])
    .windowAll(TumblingEventTimeWindows.of(10))
    .reduce((a, b) => a + b)
    .setParallelism(2)
    .sinkTo(sinks.collect());
  assert.throws(() => env.execute("parallel windowAll"), PlanError);
});

test("countWindowAll fires every `size` records of the whole stream; sliding keeps the last `size`", async () => {
  const env = StreamEnvironment.create({ parallelism: 2 });
  const tumbling = await env
    .fromArray([1, 2, 3, 4, 5, 6, 7])
    .countWindowAll(3)
    .reduce((a, b) => a + b)
    .executeAndCollect();
  assert.deepEqual(tumbling, [6, 15]);
  const sliding = await env
    .fromArray([1, 2, 3, 4, 5])
    .countWindowAll(3, 2)
    .process((_ctx, xs) => xs.join(""))
    .executeAndCollect();
  assert.deepEqual(sliding, ["12", "234"]);
});

test("aggregate(agg, windowFn) infers the window function's output type from its result", async () => {
  const env = StreamEnvironment.create();
  const counts = timed(env, [1, 2, 11])
    .keyBy((v) => (v < 10 ? "low" : "high"))
    .window(TumblingEventTimeWindows.of(10))
    .aggregate(Aggregators.count<number>(), (key, ctx, [n]) => ({ key, start: ctx.window.start, n: n! }));
  // Type-level check: with the output typed `unknown` (before issue 17) `row.key.toUpperCase()` and
  // `row.n + 1` do not compile, so this file fails the build (`npx tsc -b`).
  const labels = await counts.map((row) => `${row.key.toUpperCase()}:${row.start}:${row.n + 1}`).executeAndCollect();
  assert.deepEqual(labels.sort(), ["HIGH:10:2", "LOW:0:3"]);
});

test("a window function may still emit any number of results through the collector", async () => {
  const env = StreamEnvironment.create();
  const out = await timed(env, [1, 2, 11])
    .windowAll(TumblingEventTimeWindows.of(10))
    .process<number>((_ctx, xs, collector) => {
      for (const x of xs) collector.collect(x * 10);
    })
    .executeAndCollect();
  assert.deepEqual(out, [10, 20, 110]);
});

test("DataStreamSink.setParallelism validates like DataStream.setParallelism", () => {
  const env = StreamEnvironment.create();
  const sink = env.fromArray([1]).sinkTo(sinks.collect());
  for (const bad of [0, -1, 1.5, Number.NaN]) assert.throws(() => sink.setParallelism(bad), ApiUsageError, `setParallelism(${bad})`);
  assert.equal(sink.setParallelism(2).node.parallelism, 2);
});
