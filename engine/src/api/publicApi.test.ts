/**
 * The public API as a notebook cell sees it: everything here is imported from `index.ts`, and each
 * test exercises one or more exports by behaviour (issue 3: every public API function appears in a
 * test). engine/README.md "API by example" shows the same exports as notebook snippets.
 */
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import {
  ApiUsageError,
  BoundedOutOfOrdernessWatermarks,
  chart,
  ChartSink,
  CheckpointError,
  ConnectedStreams,
  CountTrigger,
  DataStream,
  DataStreamSink,
  DEFAULT_NEXMARK_CONFIG,
  duckdb,
  ENGINE_VERSION,
  EventTimeSessionWindows,
  FileCheckpointStorage,
  GLOBAL_WINDOW,
  GlobalWindows,
  IntervalJoin,
  JobHandle,
  JoinedStreams,
  JoinWithKeys,
  KafkaAuthenticationError,
  KafkaConnectorError,
  KafkaTopicMissingError,
  KafkaTransactionError,
  KeyedConnectedStreams,
  KeyedStream,
  LIVE_VIEW,
  ManualClock,
  MAX_WATERMARK,
  MIN_WATERMARK,
  MissingTimestampError,
  NeverTrigger,
  NexmarkGenerator,
  OperatorHarness,
  OutputTag,
  ParseError,
  ProcessingTimeSessionWindows,
  ProcessingTimeTrigger,
  SinkError,
  sinks,
  SlidingProcessingTimeWindows,
  SluiceError,
  SourceError,
  SqlDatabase,
  SqlError,
  StreamEnvironment,
  SystemClock,
  TestSource,
  Time,
  TimeWindow,
  TumblingEventTimeWindows,
  WatermarksWithIdleness,
  WatermarkStrategy,
  WindowedStream,
  type WatermarkGenerator,
  type WatermarkOutput,
  type WindowResult,
  RestartStrategies,
} from "../index.js";
import { isLiveView } from "../host.js";

/** A WatermarkOutput that records what a generator did. */
function recordingOutput(): WatermarkOutput & { events: (number | "idle" | "active")[] } {
  const events: (number | "idle" | "active")[] = [];
  return {
    events,
    emitWatermark: (w) => events.push(w),
    markIdle: () => events.push("idle"),
    markActive: () => events.push("active"),
  };
}

const byStartThenKey = <K, V>(rs: readonly WindowResult<K, V>[]) => [...rs].sort((a, b) => a.start - b.start || String(a.key).localeCompare(String(b.key)));

test("ENGINE_VERSION is the package's version", () => {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, "package.json"))) {
    assert.notEqual(dirname(dir), dir, "package.json not found");
    dir = dirname(dir);
  }
  const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { name: string; version: string };
  assert.equal(pkg.name, "sluice");
  assert.equal(ENGINE_VERSION, pkg.version);
});

// ---------------------------------------------------------------- streams and their builder classes

test("DataStream, DataStreamSink, KeyedStream and WindowedStream are what the builder returns", async () => {
  const env = StreamEnvironment.create();
  const numbers = env.fromArray([1, 2, 3, 4, 5]);
  assert.ok(numbers instanceof DataStream);
  const keyed = numbers.keyBy((x) => x % 2);
  assert.ok(keyed instanceof KeyedStream);
  const windowed = keyed.countWindow(2);
  assert.ok(windowed instanceof WindowedStream);
  const out = sinks.collect<number>();
  const sink = windowed.reduce((a, b) => a + b).sinkTo(out);
  assert.ok(sink instanceof DataStreamSink);
  assert.equal(sink.name("pair sums").uid("pair-sums"), sink);
  const result = await env.execute("builders").done;
  assert.equal(result.status, "finished");
  // odd: 1+3 (5 never completes a pair), even: 2+4
  assert.deepEqual(
    [...out.values].sort((a, b) => a - b),
    [4, 6],
  );
  assert.ok(
    result.metrics.operators.some((o) => o.name === "pair sums"),
    "DataStreamSink.name() names the sink operator",
  );
});

test("WindowedStream: trigger, allowedLateness and evictToLast shape the results", async () => {
  const env = StreamEnvironment.create();
  const w = env
    .fromArray([1, 2, 3, 4, 5, 6])
    .keyBy(() => "all")
    .window(GlobalWindows.create());
  assert.ok(w instanceof WindowedStream);
  const out = sinks.collect<number[]>();
  w.trigger(CountTrigger.of(2))
    .evictToLast(3)
    .process<number[]>((_k, _ctx, els, o) => o.collect([...els]))
    .sinkTo(out);
  await env.execute("evict").wait();
  assert.deepEqual(out.values, [
    [1, 2],
    [2, 3, 4],
    [4, 5, 6],
  ]);
  assert.throws(() => w.allowedLateness(-1), ApiUsageError);
});

test("ConnectedStreams and KeyedConnectedStreams share keyed state across both inputs", async () => {
  const env = StreamEnvironment.create();
  const orders = env.fromArray([
    { id: "o1", item: "book" },
    { id: "o2", item: "pen" },
  ]);
  const payments = env.fromArray([{ id: "o1", amount: 12 }]);
  const connected = orders.connect(payments);
  assert.ok(connected instanceof ConnectedStreams);
  const keyed = connected.keyBy(
    (o) => o.id,
    (p) => p.id,
  );
  assert.ok(keyed instanceof KeyedConnectedStreams);
  const out = sinks.collect<string>();
  keyed
    .process<string>({
      processElement1(o, ctx, out) {
        const paid = ctx.getState<number>("paid").value();
        if (paid !== undefined) out.collect(`${o.item}:${paid}`);
        else ctx.getState<string>("item").update(o.item);
      },
      processElement2(p, ctx, out) {
        const item = ctx.getState<string>("item").value();
        if (item !== undefined) out.collect(`${item}:${p.amount}`);
        else ctx.getState<number>("paid").update(p.amount);
      },
    })
    .sinkTo(out);
  const coMapped = sinks.collect<string>();
  connected
    .map(
      (o) => `order ${o.id}`,
      (p) => `payment ${p.id}`,
    )
    .sinkTo(coMapped);
  await env.execute("connect").wait();
  assert.deepEqual(out.values, ["book:12"]);
  assert.deepEqual([...coMapped.values].sort(), ["order o1", "order o2", "payment o1"]);
});

test("IntervalJoin pairs records of a key within the time bounds", async () => {
  const env = StreamEnvironment.create();
  type V = { user: string; ts: number };
  const ts = WatermarkStrategy.forMonotonousTimestamps<V>().withTimestampAssigner((v) => v.ts);
  const views = env
    .fromArray<V>(
      [
        { user: "a", ts: 100 },
        { user: "b", ts: 100 },
      ],
      "views",
    )
    .assignTimestampsAndWatermarks(ts);
  const buys = env
    .fromArray<V>(
      [
        { user: "a", ts: 150 },
        { user: "a", ts: 400 },
        { user: "b", ts: 90 },
      ],
      "buys",
    )
    .assignTimestampsAndWatermarks(ts);
  const join = views.keyBy((v) => v.user).intervalJoin(buys.keyBy((b) => b.user));
  assert.ok(join instanceof IntervalJoin);
  const out = sinks.collect<string>();
  join
    .between(Time.milliseconds(0), Time.milliseconds(100))
    .process<string>((v, b, ctx, o) => o.collect(`${ctx.key}:${v.ts}->${b.ts}@${ctx.timestamp}`))
    .sinkTo(out);
  await env.execute("interval").wait();
  assert.deepEqual(out.values, ["a:100->150@150"]);
  assert.throws(() => join.between(10, 0), RangeError);
});

test("JoinedStreams and JoinWithKeys: a window join pairs equal keys in the same window", async () => {
  const env = StreamEnvironment.create();
  type L = { k: string; ts: number; l: number };
  type R = { k: string; ts: number; r: number };
  const left = env
    .fromArray<L>([
      { k: "x", ts: 1, l: 1 },
      { k: "x", ts: 12, l: 2 },
      { k: "y", ts: 2, l: 3 },
    ])
    .assignTimestampsAndWatermarks(WatermarkStrategy.forMonotonousTimestamps<L>().withTimestampAssigner((v) => v.ts));
  const right = env
    .fromArray<R>([
      { k: "x", ts: 5, r: 10 },
      { k: "y", ts: 15, r: 30 },
    ])
    .assignTimestampsAndWatermarks(WatermarkStrategy.forMonotonousTimestamps<R>().withTimestampAssigner((v) => v.ts));
  const joined = left.join(right);
  assert.ok(joined instanceof JoinedStreams);
  const withKeys = joined.where((l) => l.k).equalTo((r) => r.k);
  assert.ok(withKeys instanceof JoinWithKeys);
  const out = sinks.collect<[number, number]>();
  withKeys
    .window(TumblingEventTimeWindows.of(10))
    .apply((l, r): [number, number] => [l.l, r.r])
    .sinkTo(out);
  await env.execute("window join").wait();
  assert.deepEqual(out.values, [[1, 10]]);
});

test("OutputTag routes records to a side output", async () => {
  const env = StreamEnvironment.create();
  const odd = new OutputTag<number>("odd");
  const main = env.fromArray([1, 2, 3, 4]).process<number>((x, ctx, out) => (x % 2 ? ctx.output(odd, x) : out.collect(x)));
  const evens = sinks.collect<number>();
  const odds = sinks.collect<number>();
  main.sinkTo(evens);
  main.getSideOutput(odd).sinkTo(odds);
  await env.execute().wait();
  assert.deepEqual(evens.values, [2, 4]);
  assert.deepEqual(odds.values, [1, 3]);
});

test("JobHandle: execute() returns one, wait() resolves with the result", async () => {
  const env = StreamEnvironment.create();
  env.fromArray([1, 2]).sinkTo(sinks.collect());
  const job = env.execute("handle");
  assert.ok(job instanceof JobHandle);
  assert.equal(job.name, "handle");
  const result = await job.wait();
  assert.equal(result.status, "finished");
  assert.equal(job.status, "finished");
  assert.equal(job.result, result);
});

// ---------------------------------------------------------------- time and watermarks

test("MIN_WATERMARK < any timestamp < MAX_WATERMARK; a bounded stream ends at MAX_WATERMARK", async () => {
  assert.ok(MIN_WATERMARK < -1e15 && MAX_WATERMARK > 1e15);
  assert.ok(MIN_WATERMARK < MAX_WATERMARK);
  const env = StreamEnvironment.create();
  const out = sinks.collect<number>();
  assert.equal(out.watermark, MIN_WATERMARK);
  env
    .fromArray([5, 7])
    .assignTimestampsAndWatermarks(WatermarkStrategy.forMonotonousTimestamps<number>().withTimestampAssigner((x) => x))
    .sinkTo(out);
  await env.execute().wait();
  assert.equal(out.watermark, MAX_WATERMARK);
});

test("BoundedOutOfOrdernessWatermarks emits max timestamp - bound - 1, and nothing before any event", () => {
  // Typed as the interface: the class's own onEvent declares only (event, timestamp).
  const gen: WatermarkGenerator<string> = new BoundedOutOfOrdernessWatermarks<string>(Time.milliseconds(10));
  const out = recordingOutput();
  gen.onPeriodicEmit(out);
  assert.deepEqual(out.events, []);
  gen.onEvent("a", 100, out);
  gen.onEvent("b", 50, out);
  gen.onPeriodicEmit(out);
  assert.deepEqual(out.events, [89]);
  assert.throws(() => new BoundedOutOfOrdernessWatermarks(-1), RangeError);
});

test("WatermarksWithIdleness marks the input idle after the timeout and active on the next event", () => {
  const clock = new ManualClock(0);
  const gen = new WatermarksWithIdleness<number>(new BoundedOutOfOrdernessWatermarks<number>(0), 1000, clock);
  const out = recordingOutput();
  gen.onEvent(1, 10, out);
  gen.onPeriodicEmit(out);
  clock.advance(999);
  gen.onPeriodicEmit(out);
  clock.advance(1);
  gen.onPeriodicEmit(out);
  gen.onPeriodicEmit(out); // already idle: nothing more
  gen.onEvent(2, 20, out);
  gen.onPeriodicEmit(out);
  assert.deepEqual(out.events, [9, 9, "idle", "active", 19]);
});

test("SystemClock follows Date.now() and wakes up once the time has come", async () => {
  const clock = new SystemClock();
  const before = Date.now();
  const now = clock.now();
  assert.ok(now >= before && now <= Date.now());
  const woke = await new Promise<number>((resolve) => clock.wakeAt(clock.now() + 20, () => resolve(Date.now())));
  assert.ok(woke >= now + 19, `woke at ${woke - now} ms`);
  let cancelledFired = false;
  const cancel = clock.wakeAt(clock.now() + 5, () => (cancelledFired = true));
  cancel();
  await new Promise((r) => setTimeout(r, 30));
  assert.equal(cancelledFired, false);
});

// ---------------------------------------------------------------- windows and triggers

test("TimeWindow: maxTimestamp, intersects and cover; GLOBAL_WINDOW spans all time", () => {
  const w = new TimeWindow(0, 10);
  assert.equal(w.maxTimestamp(), 9);
  assert.ok(w.intersects(new TimeWindow(10, 20)), "touching windows merge");
  assert.ok(!w.intersects(new TimeWindow(11, 20)));
  assert.deepEqual([w.cover(new TimeWindow(5, 30)).start, w.cover(new TimeWindow(5, 30)).end], [0, 30]);
  assert.equal(GLOBAL_WINDOW.start, Number.NEGATIVE_INFINITY);
  assert.equal(GLOBAL_WINDOW.maxTimestamp(), MAX_WATERMARK);
  assert.deepEqual(GlobalWindows.create().assignWindows("x", 123, 456), [GLOBAL_WINDOW]);
  assert.equal(GlobalWindows.create().assignWindows("x", 1, 1)[0], GLOBAL_WINDOW);
});

test("SlidingProcessingTimeWindows count by arrival time on the clock", async () => {
  const clock = new ManualClock(0);
  const env = StreamEnvironment.create({ clock });
  const src = new TestSource<string>();
  const out = sinks.collect<WindowResult<string, number>>();
  env
    .fromSource(src)
    .keyBy((s) => s)
    .window(SlidingProcessingTimeWindows.of(100, 50))
    .count()
    .sinkTo(out);
  const job = env.execute("sliding pt");
  src.push("a"); // arrives at 0: windows [-50,50) and [0,100)
  await job.whenIdle();
  clock.setTime(60);
  src.push("a"); // arrives at 60: windows [0,100) and [50,150)
  await job.whenIdle();
  assert.deepEqual(
    out.values.map((r) => [r.start, r.end, r.value]),
    [[-50, 50, 1]],
  );
  clock.setTime(200);
  await job.whenIdle();
  assert.deepEqual(
    byStartThenKey(out.values).map((r) => [r.start, r.value]),
    [
      [-50, 1],
      [0, 2],
      [50, 1],
    ],
  );
  await job.cancel();
});

test("ProcessingTimeSessionWindows close a session after a gap of clock time", async () => {
  const clock = new ManualClock(0);
  const env = StreamEnvironment.create({ clock });
  const src = new TestSource<string>();
  const out = sinks.collect<WindowResult<string, number>>();
  env
    .fromSource(src)
    .keyBy((s) => s)
    .window(ProcessingTimeSessionWindows.withGap(100))
    .count()
    .sinkTo(out);
  const job = env.execute("session pt");
  src.push("u");
  await job.whenIdle();
  clock.setTime(80);
  src.push("u"); // within the gap: same session [0, 180)
  await job.whenIdle();
  clock.setTime(170);
  await job.whenIdle();
  assert.equal(out.values.length, 0, "session still open");
  clock.setTime(180);
  await job.whenIdle();
  assert.deepEqual(
    out.values.map((r) => [r.key, r.start, r.end, r.value]),
    [["u", 0, 180, 2]],
  );
  await job.cancel();
});

test("ProcessingTimeTrigger fires event-time windows by the clock instead of the watermark", async () => {
  const clock = new ManualClock(0);
  const env = StreamEnvironment.create({ clock });
  const src = new TestSource<{ ts: number }>();
  const out = sinks.collect<WindowResult<string, number>>();
  env
    .fromSource(
      src,
      WatermarkStrategy.noWatermarks<{ ts: number }>().withTimestampAssigner((e) => e.ts),
    )
    .keyBy(() => "k")
    .window(TumblingEventTimeWindows.of(10))
    .trigger(ProcessingTimeTrigger.create())
    .count()
    .sinkTo(out);
  const job = env.execute("pt trigger");
  src.push({ ts: 3 }, { ts: 5 });
  await job.whenIdle();
  assert.equal(out.values.length, 0);
  clock.setTime(9); // the window's maxTimestamp, as processing time
  await job.whenIdle();
  assert.deepEqual(
    out.values.map((r) => [r.start, r.value]),
    [[0, 2]],
  );
  await job.cancel();
  assert.equal(ProcessingTimeTrigger.create().canMerge(), true);
});

test("NeverTrigger never fires, even when the watermark passes the window or the input ends", async () => {
  const env = StreamEnvironment.create();
  const never = sinks.collect<WindowResult<string, number>>();
  const normal = sinks.collect<WindowResult<string, number>>();
  const input = env.fromArray([1, 2, 15]).assignTimestampsAndWatermarks(WatermarkStrategy.forMonotonousTimestamps<number>().withTimestampAssigner((x) => x));
  input
    .keyBy(() => "k")
    .window(TumblingEventTimeWindows.of(10))
    .trigger(NeverTrigger.create())
    .count()
    .sinkTo(never);
  input
    .keyBy(() => "k")
    .window(TumblingEventTimeWindows.of(10))
    .count()
    .sinkTo(normal);
  const result = await env.execute("never").done;
  assert.equal(result.status, "finished");
  assert.deepEqual(never.values, []);
  assert.equal(normal.values.length, 2, "the same windows with the default trigger do fire");
  // GlobalWindows' default trigger is NeverTrigger.
  assert.equal(GlobalWindows.create().defaultTrigger().toString(), NeverTrigger.create().toString());
});

// ---------------------------------------------------------------- sinks

test("sinks.latest keeps one record per key, the latest", async () => {
  const env = StreamEnvironment.create();
  const latest = sinks.latest<[string, number]>((p) => p[0]);
  env
    .fromArray<[string, number]>([
      ["a", 1],
      ["b", 2],
      ["a", 3],
    ])
    .sinkTo(latest);
  await env.execute().wait();
  assert.deepEqual(latest.values().sort(), [
    ["a", 3],
    ["b", 2],
  ]);
  assert.equal(latest.size, 2);
  assert.equal(latest.updates, 3);
});

test("sinks.collect makes a named CollectSink", async () => {
  const env = StreamEnvironment.create();
  const out = sinks.collect<number>("named");
  assert.equal(out.name, "named");
  env.fromArray([1, 2]).sinkTo(out);
  await env.execute().wait();
  assert.deepEqual(out.values, [1, 2]);
});

// ---------------------------------------------------------------- errors

test("SluiceError carries context and retriable; subclasses set their defaults", () => {
  const base = new SluiceError("boom", { job: "j", operator: "map", key: "k" });
  assert.ok(base instanceof Error);
  assert.equal(base.name, "SluiceError");
  assert.deepEqual(base.context, { job: "j", operator: "map", key: "k" });
  assert.equal(base.retriable, false);
  const cause = new Error("disk");
  const source = new SourceError("read failed", { source: "in.csv", line: 3 }, { cause });
  assert.ok(source instanceof SluiceError);
  assert.equal(source.name, "SourceError");
  assert.equal(source.retriable, true);
  assert.equal(source.cause, cause);
  assert.equal(source.context.line, 3);
  assert.equal(new SourceError("x", {}, { retriable: false }).retriable, false);
  assert.equal(new SinkError("x", {}).retriable, true);
  for (const E of [ParseError, MissingTimestampError, CheckpointError, ApiUsageError]) {
    const e = new E("m", { subtask: 1 });
    assert.ok(e instanceof SluiceError);
    assert.equal(e.name, E.name);
    assert.equal(e.retriable, false);
  }
});

test("ApiUsageError is thrown for API misuse while building", () => {
  const env = StreamEnvironment.create();
  assert.throws(
    () => env.fromArray([1]).setParallelism(0),
    (e: unknown) => e instanceof ApiUsageError && /positive integer/.test(e.message),
  );
  const other = StreamEnvironment.create();
  assert.throws(() => env.fromArray([1]).union(other.fromArray([2])), ApiUsageError);
  // Trigger/assigner mismatch is detected when the window step is declared.
  assert.throws(
    () =>
      env
        .fromArray([1])
        .keyBy((x) => x)
        .window(EventTimeSessionWindows.withGap(10))
        .trigger(CountTrigger.of(2))
        .count(),
    ApiUsageError,
  );
});

// ---------------------------------------------------------------- testing kit

test("OperatorHarness drives a keyed process function with a ManualClock", async () => {
  const h = await OperatorHarness.forKeyedProcess<string, string, string>(
    {
      processElement(v, ctx) {
        ctx.timerService.registerProcessingTimeTimer(ctx.currentProcessingTime() + 100);
        ctx.getState<string>("last").update(v);
      },
      onTimer(_t, ctx, out) {
        out.collect(`${ctx.getCurrentKey()}=${ctx.getState<string>("last").value()}`);
      },
    },
    (v) => v[0]!,
  );
  await h.processElement("a1");
  await h.processElement("a2");
  h.setProcessingTime(99);
  assert.deepEqual(h.output, []);
  h.setProcessingTime(100);
  assert.deepEqual(h.output, ["a=a2"]);
});

// ---------------------------------------------------------------- checkpoints

test("FileCheckpointStorage lists the checkpoints a job wrote and loads the latest", async () => {
  const dir = await mkdtemp(join(tmpdir(), "sluice-api-"));
  try {
    const env = StreamEnvironment.create().setRestartStrategy(RestartStrategies.noRestart()).enableCheckpointing({ directory: dir });
    const src = new TestSource<number>();
    env
      .fromSource(src)
      .uid("src")
      .map((x) => x * 2)
      .uid("double")
      .sinkTo(sinks.collect());
    const job = env.execute("chk");
    src.push(1, 2, 3);
    await job.whenIdle();
    const meta = await job.checkpoint();
    await job.cancel();
    const storage = new FileCheckpointStorage(dir);
    assert.deepEqual(await storage.checkpointIds(), [meta.id]);
    const latest = await storage.latest();
    assert.equal(latest?.id, meta.id);
    await assert.rejects(storage.load("no-such-savepoint"), CheckpointError);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

// ---------------------------------------------------------------- live views and the job registry

// attachHost, the job registry and isLiveView are the host's: see host.test.ts.

test("chart.line is a ChartSink and a live view that updates while the job writes", async () => {
  const line = chart.line<{ start: number; value: number; key: string }>({ x: "start:T", y: "value", color: "key" });
  assert.ok(line instanceof ChartSink);
  assert.ok(isLiveView(line));
  assert.equal(line[LIVE_VIEW], true);
  assert.ok(!isLiveView(sinks.collect()));
  assert.ok(!isLiveView(null));
  assert.ok(!isLiveView({ [LIVE_VIEW]: "yes" }));
  let changes = 0;
  line.subscribe(() => changes++);
  const env = StreamEnvironment.create();
  env
    .fromArray([
      { start: 0, value: 1, key: "a" },
      { start: 0, value: 5, key: "a" },
      { start: 10, value: 2, key: "a" },
    ])
    .sinkTo(line);
  await env.execute("chart").wait();
  assert.ok(changes >= 1);
  // Window results are identified by (key, start): the later value for start 0 replaced the earlier one.
  assert.deepEqual(
    line.data.map((p) => [p.start, p.value]),
    [
      [0, 5],
      [10, 2],
    ],
  );
  assert.match(String(line.bundle()["text/plain"]), /2 points/);
});

// ---------------------------------------------------------------- SQL / DuckDB

test("duckdb.database() is one database across calls; duckdb.open replaces it", async () => {
  const a = await duckdb.database();
  const b = await duckdb.database();
  assert.equal(a, b);
  assert.ok(a instanceof SqlDatabase);
  await a.run("create table t as select 42 as n");
  assert.deepEqual((await b.run("select n from t")).values, [{ n: 42 }]);
  const fresh = await duckdb.open(":memory:");
  assert.notEqual(fresh, a);
  assert.equal(await duckdb.database(), fresh);
  await assert.rejects(fresh.run("select n from t"), SqlError, "the new database does not have the old table");
});

// ---------------------------------------------------------------- Kafka

test("KafkaConnectorError maps topic/partition/offset onto the error context; transactions are not retriable", () => {
  const e = new KafkaConnectorError("fetch failed", { topic: "views", partition: 2, offset: 17 });
  assert.ok(e instanceof SluiceError);
  assert.equal(e.retriable, true);
  assert.deepEqual(e.context, { source: "views[2]", offset: 17 });
  assert.equal(e.kafka.partition, 2);
  assert.match(e.message, /fetch failed \(topic views, partition 2, offset 17\)/);
  assert.equal(new KafkaConnectorError("no topic", { topic: "t" }, { retriable: false }).retriable, false);
  const t = new KafkaTransactionError("commit failed", { transactionalId: "sluice-1" });
  assert.ok(t instanceof KafkaConnectorError);
  assert.equal(t.name, "KafkaTransactionError");
  assert.equal(t.retriable, false);
  assert.deepEqual(t.context, {});
  assert.match(t.message, /transactional id sluice-1/);
  const missing = new KafkaTopicMissingError("orders");
  assert.ok(missing instanceof KafkaConnectorError);
  assert.equal(missing.name, "KafkaTopicMissingError");
  assert.equal(missing.kafka.topic, "orders");
  assert.match(missing.message, /Kafka topic does not exist \(topic orders\)/);
  const refused = new KafkaAuthenticationError("Invalid username or password");
  assert.ok(refused instanceof KafkaConnectorError);
  assert.equal(refused.retriable, false, "the same password will not work next time either");
  assert.match(refused.message, /^Kafka authentication failed: Invalid username or password$/);
});

// ---------------------------------------------------------------- Nexmark

test("DEFAULT_NEXMARK_CONFIG is frozen and what NexmarkGenerator uses when not overridden", () => {
  assert.ok(Object.isFrozen(DEFAULT_NEXMARK_CONFIG));
  const gen = new NexmarkGenerator({ eventsPerSecond: 1000 });
  assert.deepEqual(gen.config, { ...DEFAULT_NEXMARK_CONFIG, eventsPerSecond: 1000 });
  assert.equal(gen.timestampOf(0), DEFAULT_NEXMARK_CONFIG.baseTime);
  assert.equal(gen.timestampOf(1500), DEFAULT_NEXMARK_CONFIG.baseTime + 1500);
  const total = DEFAULT_NEXMARK_CONFIG.personProportion + DEFAULT_NEXMARK_CONFIG.auctionProportion + DEFAULT_NEXMARK_CONFIG.bidProportion;
  const counts: Record<string, number> = {};
  for (let n = 0; n < total; n++) counts[gen.event(n).type] = (counts[gen.event(n).type] ?? 0) + 1;
  assert.deepEqual(counts, { person: DEFAULT_NEXMARK_CONFIG.personProportion, auction: DEFAULT_NEXMARK_CONFIG.auctionProportion, bid: DEFAULT_NEXMARK_CONFIG.bidProportion });
  assert.deepEqual(new NexmarkGenerator().event(7), new NexmarkGenerator().event(7), "deterministic per seed");
});
