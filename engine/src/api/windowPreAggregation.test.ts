/**
 * DataStream windows in two phases where their keyed input crosses subtasks (graph/preAggregation.ts): which
 * windows the plan splits, and that a split window gives what one phase gives.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { sinks } from "../sinks/sinks.js";
import { WatermarkStrategy } from "../time/WatermarkStrategy.js";
import { Aggregators } from "../windows/AggregateFunction.js";
import { EventTimeSessionWindows, type WindowAssigner, SlidingEventTimeWindows, TumblingEventTimeWindows } from "../windows/WindowAssigner.js";
import { CountTrigger } from "../windows/Trigger.js";
import type { DataStream } from "./DataStream.js";
import { OutputTag } from "./OutputTag.js";
import type { WindowedStream } from "./WindowedStream.js";
import { StreamEnvironment } from "./StreamEnvironment.js";

interface Click {
  user: string;
  ms: number;
  at: number;
}

/** Out of order by up to 40 ms against a bound of 50: nothing is late, so every plan must give the same windows. */
function clicks(n: number): Click[] {
  let seed = 7;
  const next = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  return Array.from({ length: n }, (_, i) => ({ user: `u${Math.floor(next() * 13)}`, ms: Math.floor(next() * 1000), at: i * 3 + Math.floor(next() * 40) }));
}

function windowed(env: StreamEnvironment, assigner: WindowAssigner): WindowedStream<Click, string> {
  return env
    .fromArray(clicks(3000))
    .rebalance()
    .assignTimestampsAndWatermarks(WatermarkStrategy.forBoundedOutOfOrderness<Click>(50).withTimestampAssigner((c) => c.at))
    .keyBy((c) => c.user)
    .window(assigner);
}

const shapes: Record<string, { assigner: () => WindowAssigner; run: (w: WindowedStream<Click, string>) => DataStream<unknown> }> = {
  "sliding count": { assigner: () => SlidingEventTimeWindows.of(300, 100), run: (w) => w.count() as never },
  "tumbling reduce": { assigner: () => TumblingEventTimeWindows.of(250), run: (w) => w.reduce((a, b) => (a.ms >= b.ms ? a : b)) as never },
  "sliding stats (an object accumulator changed in place)": {
    assigner: () => SlidingEventTimeWindows.of(400, 200),
    run: (w) => w.aggregateWithWindow(Aggregators.stats((c: Click) => c.ms)) as never,
  },
};

async function results(parallelism: number, shape: (typeof shapes)[string], preAggregate: boolean): Promise<{ rows: string[]; plan: string }> {
  const env = StreamEnvironment.create({ parallelism });
  if (!preAggregate) env.disableWindowPreAggregation();
  const out = sinks.collect<unknown>();
  shape.run(windowed(env, shape.assigner())).sinkTo(out);
  const plan = env.explain("clicks").text;
  await env.execute("clicks").wait();
  return { rows: out.values.map((v) => JSON.stringify(v)).sort(), plan };
}

/** Equal lists, or the first difference (assert's own diff of thousands of rows takes minutes). */
function sameRows(actual: readonly string[], expected: readonly string[], what: string): void {
  const i = actual.findIndex((r, j) => r !== expected[j]);
  assert.ok(actual.length === expected.length && i < 0, `${what}: ${actual.length} rows against ${expected.length}; first difference ${actual[i]} against ${expected[i]}`);
}

for (const [name, shape] of Object.entries(shapes)) {
  test(`${name}: at parallelism 2 and 3 in two phases, the windows one phase gives at 1`, async () => {
    const one = await results(1, shape, true);
    assert.doesNotMatch(one.plan, /LocalWindowAggregate/);
    assert.ok(one.rows.length > 20);
    for (const parallelism of [2, 3]) {
      const two = await results(parallelism, shape, true);
      assert.match(two.plan, new RegExp(`LocalWindowAggregate, parallelism=${parallelism}`));
      // The local phase is numbered as any operator (it was the window's id negated, [-3] in the plan).
      const ids = [...two.plan.matchAll(/^\[(-?\d+)\]/gm)].map((m) => Number(m[1]));
      assert.ok(ids.every((id) => id > 0) && new Set(ids).size === ids.length, two.plan);
      sameRows(two.rows, one.rows, `parallelism ${parallelism}`);
    }
    const disabled = await results(2, shape, false);
    assert.doesNotMatch(disabled.plan, /LocalWindowAggregate/);
    sameRows(disabled.rows, one.rows, "one phase at parallelism 2");
  });
}

test("windows partials cannot stand for stay in one phase: process, an evictor, allowed lateness, a late side output, a custom trigger, sessions", () => {
  const oneWindow: ((env: StreamEnvironment) => { print(): unknown })[] = [
    (env) => windowed(env, TumblingEventTimeWindows.of(100)).process((_k, _c, all) => all.length),
    (env) => windowed(env, TumblingEventTimeWindows.of(100)).evictToLast(3).count(),
    (env) => windowed(env, TumblingEventTimeWindows.of(100)).allowedLateness(10).count(),
    (env) => windowed(env, TumblingEventTimeWindows.of(100)).sideOutputLateData(new OutputTag<Click>("late")).count(),
    (env) => windowed(env, TumblingEventTimeWindows.of(100)).trigger(CountTrigger.of(5)).count(),
    (env) => windowed(env, EventTimeSessionWindows.withGap(30)).count(),
    (env) => windowed(env, SlidingEventTimeWindows.of(300, 200)).count(), // a size of no whole number of slides
  ];
  for (const make of oneWindow) {
    const env = StreamEnvironment.create({ parallelism: 2 });
    make(env).print();
    const plan = env.explain("one phase").text;
    assert.doesNotMatch(plan, /LocalWindowAggregate/, plan);
    assert.match(plan, /window/);
  }
});

test("a record the local phase rejects under the dead-letter policy reaches env.deadLetters(), as one phase's key selector failure does", async () => {
  const letters = async (preAggregate: boolean) => {
    const env = StreamEnvironment.create({ parallelism: 2 });
    if (!preAggregate) env.disableWindowPreAggregation();
    env.setErrorPolicy("dead-letter");
    const dead = sinks.collect<{ record: unknown }>();
    env.deadLetters().sinkTo(dead);
    const counts = sinks.collect<unknown>();
    env
      .fromArray(clicks(600))
      .rebalance()
      .assignTimestampsAndWatermarks(WatermarkStrategy.forBoundedOutOfOrderness<Click>(50).withTimestampAssigner((c) => c.at))
      .keyBy((c) => {
        if (c.ms % 97 === 0) throw new Error(`no user for ${c.ms}`);
        return c.user;
      })
      .window(TumblingEventTimeWindows.of(200))
      .count()
      .sinkTo(counts);
    assert.equal(/LocalWindowAggregate/.test(env.explain("letters").text), preAggregate);
    await env.execute("letters").wait();
    return { dead: dead.values.map((d) => JSON.stringify(d.record)).sort(), counts: counts.values.map((v) => JSON.stringify(v)).sort() };
  };
  const two = await letters(true);
  const one = await letters(false);
  assert.ok(one.dead.length > 0);
  assert.deepEqual(two.dead, one.dead);
  sameRows(two.counts, one.counts, "windows");
});
