/**
 * CEP behaviour the Flink oracle (test/flink-oracle/cep.test.ts) does not cover: processing time,
 * late records, timeouts of the long-ride alert in a job, restore of records still waiting for the
 * watermark, and the pattern checks Flink makes when a pattern is declared.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { OutputTag } from "../api/OutputTag.js";
import { StreamEnvironment } from "../api/StreamEnvironment.js";
import { ApiUsageError } from "../errors/errors.js";
import { assertMissingTimestamp } from "../testing/assertMissingTimestamp.js";
import { CollectSink } from "../sinks/MemorySinks.js";
import { OperatorHarness } from "../testing/OperatorHarness.js";
import { Time } from "../time/Time.js";
import { WatermarkStrategy } from "../time/WatermarkStrategy.js";
import { AfterMatchSkipStrategy } from "./AfterMatchSkipStrategy.js";
import { CEP } from "./CEP.js";
import { CepOperator, type CepOptions, type PatternProcessFunction } from "./CepOperator.js";
import { Pattern } from "./Pattern.js";

interface Ev {
  k: string;
  t: string;
}

const ids = (m: Map<string, Ev[]>) => [...m].map(([n, es]) => `${n}:${es.map((e) => e.t).join("")}`).join(" ");
const aThenB = () =>
  Pattern.begin<Ev>("a")
    .where((e) => e.t.startsWith("a"))
    .followedBy("b")
    .where((e) => e.t.startsWith("b"));

function harness(pattern: Pattern<Ev>, options: Partial<CepOptions<Ev>> = {}, timeouts = new OutputTag<string>("timeouts")) {
  const fn: PatternProcessFunction<Ev, string> = {
    processMatch: (m, _ctx, out) => out.collect(ids(m)),
    processTimedOutMatch: (m, ctx) => ctx.output(timeouts, `${ids(m)}@${ctx.timestamp()}`),
  };
  const opts: CepOptions<Ev> = { timeDomain: "event-time", lateDataTag: undefined, ...options };
  return OperatorHarness.create<Ev, string>((ctx) => new CepOperator(pattern, pattern.getAfterMatchSkipStrategy(), fn, (e: Ev) => e.k, opts, ctx));
}

test("event time: records wait until the watermark passes them and enter the matcher sorted by timestamp", async () => {
  const h = await harness(aThenB());
  h.processElement({ k: "x", t: "b1" }, 20);
  h.processElement({ k: "x", t: "a1" }, 10);
  assert.deepEqual(h.output, []);
  h.processWatermark(9);
  assert.deepEqual(h.output, []);
  h.processWatermark(20); // both at once: b1 arrived first but has the later timestamp
  assert.deepEqual(h.output, ["a:a1 b:b1"]);
  assert.deepEqual(h.outputTimestamps, [20]);
});

test("event time: records at or behind the watermark go to the late-data side output, or are counted as dropped", async () => {
  const late = new OutputTag<Ev>("late");
  const h = await harness(aThenB(), { lateDataTag: late });
  h.processWatermark(100);
  h.processElement({ k: "x", t: "a1" }, 100);
  h.processElement({ k: "x", t: "a2" }, 101);
  assert.deepEqual(
    h.sideOutput(late).map((e) => e.t),
    ["a1"],
  );
  const dropping = await harness(aThenB());
  dropping.processWatermark(100);
  dropping.processElement({ k: "x", t: "a1" }, 50);
  assert.equal(dropping.counters.lateRecordsDropped, 1);
});

test("processing time: records enter the matcher on arrival; within() times partial matches out on a processing-time timer", async () => {
  const timeouts = new OutputTag<string>("timeouts");
  const h = await harness(aThenB().within(100), { timeDomain: "processing-time" }, timeouts);
  h.setProcessingTime(1_000);
  h.processElement({ k: "x", t: "a1" });
  h.setProcessingTime(1_050);
  h.processElement({ k: "x", t: "b1" });
  assert.deepEqual(h.output, ["a:a1 b:b1"]);
  h.processElement({ k: "x", t: "a2" });
  h.setProcessingTime(1_149);
  assert.deepEqual(h.sideOutput(timeouts), []);
  h.setProcessingTime(1_150);
  assert.deepEqual(h.sideOutput(timeouts), ["a:a2@1150"]); // a1 was consumed by its match
});

test("records waiting for the watermark and partial matches survive a snapshot and restore", async () => {
  const pattern = aThenB().within(1_000);
  const h = await harness(pattern);
  h.processElement({ k: "x", t: "a1" }, 10);
  h.processWatermark(10);
  h.processElement({ k: "x", t: "b1" }, 30);
  h.processElement({ k: "y", t: "a2" }, 20);
  const snapshot = h.snapshot();
  const fn: PatternProcessFunction<Ev, string> = { processMatch: (m, _c, out) => out.collect(ids(m)) };
  const restored = await OperatorHarness.restore<Ev, string>(
    (ctx) => new CepOperator(pattern, pattern.getAfterMatchSkipStrategy(), fn, (e: Ev) => e.k, { timeDomain: "event-time", lateDataTag: undefined }, ctx),
    snapshot,
  );
  restored.processElement({ k: "y", t: "b2" }, 40);
  restored.processWatermark(50);
  assert.deepEqual(restored.output.sort(), ["a:a1 b:b1", "a:a2 b:b2"]);
});

interface Ride {
  rideId: number;
  isStart: boolean;
  time: number;
}

test("the long-ride alert: a START with no END within 2 hours goes to the timeout side output", async () => {
  const env = StreamEnvironment.create();
  const h = Time.hours(1);
  const rides = env
    .fromArray<Ride>([
      { rideId: 1, isStart: true, time: 0 },
      { rideId: 2, isStart: true, time: 10 * 60_000 },
      { rideId: 1, isStart: false, time: h },
      { rideId: 3, isStart: true, time: 2 * h },
      { rideId: 3, isStart: false, time: 5 * h },
    ])
    .assignTimestampsAndWatermarks(WatermarkStrategy.forBoundedOutOfOrderness<Ride>(Time.minutes(1)).withTimestampAssigner((r) => r.time));
  const pattern = Pattern.begin<Ride>("start")
    .where((r) => r.isStart)
    .next("end")
    .where((r) => !r.isStart)
    .within(Time.hours(2));
  const longRides = new OutputTag<number>("long-rides");
  const completed = CEP.pattern(
    rides.keyBy((r) => r.rideId),
    pattern,
  ).select(
    longRides,
    (m) => m.get("start")![0]!.rideId,
    (m) => m.get("end")![0]!.rideId,
  );
  const done = new CollectSink<number>();
  const alerts = new CollectSink<number>();
  completed.sinkTo(done);
  completed.getSideOutput(longRides).sinkTo(alerts);
  await env.execute("long rides").wait();
  assert.deepEqual(done.values, [1]);
  assert.deepEqual(alerts.values.sort(), [2, 3]);
});

test("event time without record timestamps fails the job with MissingTimestampError naming job, operator, key, record and the fix", async () => {
  const env = StreamEnvironment.create();
  CEP.pattern(
    env.fromArray<Ev>([{ k: "x", t: "a" }]).keyBy((e) => e.k),
    aThenB(),
  )
    .select((m) => ids(m))
    .sinkTo(new CollectSink());
  assertMissingTimestamp(await env.execute("no timestamps").done, { job: "no timestamps", operator: /cep/i, key: "x", record: { k: "x", t: "a" } });
});

test("malformed patterns are refused when declared, as Flink refuses them", () => {
  const a = () => Pattern.begin<Ev>("a");
  const cases: [() => unknown, RegExp][] = [
    [() => a().until(() => true), /only to looping/],
    [() => a().oneOrMore().times(2), /already applied/],
    [() => a().greedy(), /looping or times/],
    [() => a().consecutive(), /looping or times/],
    [() => a().oneOrMore().consecutive().allowCombinations(), /exclude each other/],
    [() => a().optional().optional(), /already applied/],
    [() => a().oneOrMore().greedy().next("b").optional(), /Optional pattern cannot be preceded by greedy pattern/],
    [() => Pattern.begin(a().next("b")).where(() => true), /GroupPattern does not support where clause/],
    [() => Pattern.begin(a().next("b")).oneOrMore().greedy(), /not applicable to group pattern/],
    [() => a().optional().notNext("b"), /optional step right before a NOT/],
    [() => a().notFollowedBy("b").optional(), /NOT pattern/],
    [() => a().times(3, 2), /from <= to/],
    [() => a().within(0), /positive/],
    [() => a().followedByAny("b").oneOrMore().greedy(), /followedByAny/],
    [
      () =>
        CEP.pattern(
          StreamEnvironment.create()
            .fromArray<Ev>([])
            .keyBy((e) => e.k),
          a().followedBy("a"),
        ),
      /duplicate CEP pattern name 'a'/,
    ],
    [
      () =>
        CEP.pattern(
          StreamEnvironment.create()
            .fromArray<Ev>([])
            .keyBy((e) => e.k),
          a().notFollowedBy("b"),
        ),
      /needs within/,
    ],
    [
      () =>
        CEP.pattern(
          StreamEnvironment.create()
            .fromArray<Ev>([])
            .keyBy((e) => e.k),
          Pattern.begin<Ev>("a", AfterMatchSkipStrategy.skipToFirst("z")),
        ),
      /'z', which is not a pattern name/,
    ],
  ];
  for (const [declare, message] of cases) assert.throws(declare, (e: unknown) => e instanceof ApiUsageError && message.test((e as Error).message), String(message));
});

test("event time: a key holding a partial match is woken when it can time out, not on every watermark", async () => {
  // Sluice sends a watermark after every batch; re-arming every such key at watermark + 1 (as Flink's
  // CepOperator does, with its 200 ms watermarks) swept all of them on each one (bench/cep, 1e6 keys).
  const timeouts = new OutputTag<string>("timeouts");
  const h = await harness(aThenB().within(Time.milliseconds(1_000)), {}, timeouts);
  for (let i = 0; i < 100; i++) h.processElement({ k: `k${i}`, t: `a${i}` }, i);
  for (let w = 0; w <= 200; w++) h.processWatermark(w);
  const { eventTimers } = h.snapshot().state as { eventTimers: [number, string][] };
  assert.equal(eventTimers.length, 100);
  assert.ok(
    eventTimers.every(([ts, key]) => ts === Number(key.slice(1)) + 1_000),
    JSON.stringify(eventTimers.slice(0, 3)),
  );
  h.processWatermark(1_049);
  assert.equal(h.sideOutput(timeouts).length, 50); // the keys whose `a` came at 0..49
  assert.equal(h.sideOutput(timeouts)[0], "a:a0@1000");
  await h.finish();
  assert.equal(h.sideOutput(timeouts).length, 100);
});
