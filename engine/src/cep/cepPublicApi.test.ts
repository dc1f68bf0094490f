/**
 * CEP as a notebook cell sees it (`import { Pattern, CEP, AfterMatchSkipStrategy } from "sluice"`):
 * everything from the engine's index; the same program as engine/README.md's CEP example.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { AfterMatchSkipStrategy, CEP, OutputTag, Pattern, type PatternProcessFunction, PatternStream, StreamEnvironment, sinks, Time, WatermarkStrategy } from "../index.js";

type Reading = { sensor: string; temp: number; ts: number };

test("Pattern, CEP, AfterMatchSkipStrategy and PatternStream are exported: two rises then a drop, per sensor", async () => {
  const env = StreamEnvironment.create();
  const readings = env
    .fromArray<Reading>([
      { sensor: "s1", temp: 20, ts: 0 },
      { sensor: "s1", temp: 25, ts: 1_000 },
      { sensor: "s1", temp: 31, ts: 2_000 },
      { sensor: "s1", temp: 28, ts: 3_000 },
      { sensor: "s2", temp: 40, ts: 500 },
    ])
    .assignTimestampsAndWatermarks(WatermarkStrategy.forMonotonousTimestamps<Reading>().withTimestampAssigner((r) => r.ts));
  const risingThenDrop = Pattern.begin<Reading>("first", AfterMatchSkipStrategy.skipPastLastEvent())
    .next("rise")
    .where((r, ctx) => r.temp > (ctx.getEventsForPattern("rise").at(-1) ?? ctx.getEventsForPattern("first")[0]!).temp)
    .times(2)
    .consecutive()
    .next("drop")
    .where((r, ctx) => r.temp < ctx.getEventsForPattern("rise").at(-1)!.temp)
    .within(Time.seconds(10));
  const stream = CEP.pattern(
    readings.keyBy((r) => r.sensor),
    risingThenDrop,
  );
  assert.ok(stream instanceof PatternStream);
  const out = sinks.collect<string>();
  stream
    .select(
      (m) =>
        `${m.get("first")![0]!.sensor}: ${[...m.values()]
          .flat()
          .map((r) => r.temp)
          .join(" → ")}`,
    )
    .sinkTo(out);
  const timedOut = new OutputTag<string>("timed-out");
  const fn: PatternProcessFunction<Reading, string> = {
    processMatch: () => {},
    processTimedOutMatch: (m, ctx) => ctx.output(timedOut, `${[...m.keys()].join(",")}@${ctx.timestamp()}`),
  };
  const timeouts = sinks.collect<string>();
  stream.process(fn).getSideOutput(timedOut).sinkTo(timeouts);
  await env.execute("rising").wait();
  assert.deepEqual(out.values, ["s1: 20 → 25 → 31 → 28"]);
  // The end of input times out what is left: s2's partial match from 40. s1's from 28 was dropped
  // by skipPastLastEvent (it starts at the match's last event).
  assert.deepEqual(timeouts.values, ["first@10500"]);
});
