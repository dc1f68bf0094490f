import assert from "node:assert/strict";
import { test } from "node:test";
import { PlanError, UserFunctionError } from "../errors/errors.js";
import { StreamEnvironment } from "./StreamEnvironment.js";
import { sinks } from "../sinks/sinks.js";
import { DEAD_LETTERS } from "./OutputTag.js";

test("map/filter/flatMap run in order on a bounded array", async () => {
  const env = StreamEnvironment.create();
  const out = sinks.collect<string>();
  env
    .fromArray([1, 2, 3, 4, 5])
    .filter((x) => x % 2 === 1)
    .map((x) => x * 10)
    .flatMap((x) => [`${x}a`, `${x}b`])
    .sinkTo(out);
  const job = env.execute("basic");
  assert.equal(job.status, "running");
  const result = await job.done;
  assert.equal(result.status, "finished");
  assert.deepEqual(out.values, ["10a", "10b", "30a", "30b", "50a", "50b"]);
});

test("execute returns before the job has processed anything", async () => {
  const env = StreamEnvironment.create({ batchSize: 10 });
  const out = sinks.collect<number>();
  env.fromIterable(Array.from({ length: 1000 }, (_, i) => i)).sinkTo(out);
  const job = env.execute();
  assert.equal(out.values.length, 0);
  await job.wait();
  assert.equal(out.values.length, 1000);
});

test("flatMap may use the collector instead of returning", async () => {
  const env = StreamEnvironment.create();
  const words = await env
    .fromArray(["a b", "c"])
    .flatMap<string>((line, out) => {
      for (const w of line.split(" ")) out.collect(w);
    })
    .executeAndCollect();
  assert.deepEqual(words, ["a", "b", "c"]);
});

test("union merges every input", async () => {
  const env = StreamEnvironment.create();
  const merged = await env
    .fromArray([1, 2])
    .union(env.fromArray([3]), env.fromArray([4, 5]))
    .executeAndCollect();
  assert.deepEqual([...merged].sort(), [1, 2, 3, 4, 5]);
});

test("a throwing map fails the job with a typed error naming job, operator and record", async () => {
  const env = StreamEnvironment.create();
  const out = sinks.collect<number>();
  env
    .fromArray([{ id: 1 }, { id: 2 }, { id: 3 }])
    .map((r) => {
      if (r.id === 2) throw new Error("boom");
      return r.id;
    })
    .name("explode")
    .sinkTo(out);
  const result = await env.execute("failing").done;
  assert.equal(result.status, "failed");
  assert.ok(result.error instanceof UserFunctionError);
  assert.equal(result.error.context.job, "failing");
  assert.equal(result.error.context.operator, "explode");
  assert.deepEqual(result.error.context.record, { id: 2 });
  assert.match(result.error.message, /boom/);
  assert.match(result.error.message, /"id":2/);
  assert.equal((result.error.cause as Error).message, "boom");
});

test("job.wait() rejects with the job's error", async () => {
  const env = StreamEnvironment.create();
  env
    .fromArray([1])
    .map(() => {
      throw new TypeError("bad");
    })
    .sinkTo(sinks.collect());
  await assert.rejects(env.execute("w").wait(), UserFunctionError);
});

test("dead-letter policy routes failing records with the reason and keeps going", async () => {
  const env = StreamEnvironment.create().setErrorPolicy("dead-letter");
  const out = sinks.collect<number>();
  const dead = sinks.collect<{ reason: string; record: unknown; operator: string }>();
  env
    .fromArray([1, 2, 3, 4])
    .map((x) => {
      if (x % 2 === 0) throw new Error(`even ${x}`);
      return x;
    })
    .name("odd-only")
    .sinkTo(out);
  env.deadLetters().sinkTo(dead);
  const job = env.execute("dl");
  const result = await job.done;
  assert.equal(result.status, "finished");
  assert.deepEqual(out.values, [1, 3]);
  assert.deepEqual(
    dead.values.map((d) => [d.operator, d.record, d.reason]),
    [
      ["odd-only", 2, "even 2"],
      ["odd-only", 4, "even 4"],
    ],
  );
  assert.equal(result.metrics.deadLetters, 2);
  assert.equal(job.deadLetters().length, 2);
});

test("per-operator error policy and the DEAD_LETTERS side output", async () => {
  const env = StreamEnvironment.create();
  const parsed = env
    .fromArray(["1", "x", "3"])
    .map((s) => {
      const n = Number(s);
      if (Number.isNaN(n)) throw new Error(`not a number: ${s}`);
      return n;
    })
    .onError("dead-letter");
  const out = sinks.collect<number>();
  const dead = sinks.collect<{ record: unknown }>();
  parsed.sinkTo(out);
  parsed.getSideOutput(DEAD_LETTERS).sinkTo(dead);
  await env.execute().wait();
  assert.deepEqual(out.values, [1, 3]);
  assert.deepEqual(
    dead.values.map((d) => d.record),
    ["x"],
  );
});

test("a job without sinks is rejected with a PlanError", () => {
  const env = StreamEnvironment.create();
  env.fromArray([1]).map((x) => x);
  assert.throws(() => env.execute("nothing"), PlanError);
});

test("a later execute() reuses declared streams but not old sinks", async () => {
  const env = StreamEnvironment.create();
  const numbers = env.fromArray([1, 2, 3]);
  const first = sinks.collect<number>();
  numbers.sinkTo(first);
  await env.execute("first").wait();
  const second = sinks.collect<number>();
  numbers.map((x) => x + 1).sinkTo(second);
  await env.execute("second").wait();
  assert.deepEqual(first.values, [1, 2, 3]);
  assert.deepEqual(second.values, [2, 3, 4]);
});

test("parallel map with rebalance and a keyed reduce over several subtasks", async () => {
  const env = StreamEnvironment.create({ parallelism: 3, batchSize: 7 });
  const out = sinks.collect<[string, number]>();
  env
    .fromArray(Array.from({ length: 300 }, (_, i) => i))
    .rebalance()
    .map((i): [string, number] => [`k${i % 5}`, 1])
    .keyBy((p) => p[0])
    .reduce((a, b) => [a[0], a[1] + b[1]])
    .sinkTo(out);
  const result = await env.execute("parallel").done;
  assert.equal(result.status, "finished");
  const finals = new Map<string, number>();
  for (const [k, n] of out.values) finals.set(k, Math.max(finals.get(k) ?? 0, n));
  assert.deepEqual([...finals].sort(), [
    ["k0", 60],
    ["k1", 60],
    ["k2", 60],
    ["k3", 60],
    ["k4", 60],
  ]);
  const mapMetrics = result.metrics.operators.find((o) => o.name === "map")!;
  assert.equal(mapMetrics.parallelism, 3);
  assert.equal(mapMetrics.recordsIn, 300);
  assert.equal(mapMetrics.recordsOut, 300);
});

test("fromAsyncIterable reads an async generator", async () => {
  async function* gen() {
    for (let i = 0; i < 5; i++) {
      await new Promise((r) => setTimeout(r, 1));
      yield i;
    }
  }
  const env = StreamEnvironment.create();
  assert.deepEqual(await env.fromAsyncIterable(gen()).executeAndCollect(), [0, 1, 2, 3, 4]);
});

test("a throwing key selector is reported against the keyed operator, or dead-lettered", async () => {
  const build = (env: StreamEnvironment) =>
    env
      .fromArray([{ k: "a" }, { k: null }, { k: "b" }])
      .keyBy((r) => r.k!.toUpperCase())
      .process<string>((r, _ctx, out) => out.collect(r.k!))
      .name("upper");
  const failing = StreamEnvironment.create();
  build(failing).sinkTo(sinks.collect());
  const failed = await failing.execute("keys").done;
  assert.ok(failed.error instanceof UserFunctionError);
  assert.equal(failed.error.context.operator, "upper");
  assert.deepEqual(failed.error.context.record, { k: null });

  const tolerant = StreamEnvironment.create().setErrorPolicy("dead-letter");
  const out = sinks.collect<string>();
  build(tolerant).sinkTo(out);
  const job = tolerant.execute("keys-dl");
  await job.wait();
  assert.deepEqual(out.values, ["a", "b"]);
  assert.deepEqual(
    job.deadLetters().map((d) => d.record),
    [{ k: null }],
  );
});

test("plan validation reports every problem at once", () => {
  const env = StreamEnvironment.create();
  const s = env.fromArray([1]);
  s.map((x) => x)
    .uid("same")
    .sinkTo(sinks.collect());
  s.filter(() => true)
    .uid("same")
    .keyBy((x) => x)
    .process(() => {})
    .setParallelism(200)
    .sinkTo(sinks.collect());
  assert.throws(
    () => env.execute("bad"),
    (error: unknown) => {
      assert.ok(error instanceof PlanError);
      assert.equal(error.problems.length, 2);
      assert.match(error.message, /uid 'same'/);
      assert.match(error.message, /exceeds maxParallelism 128/);
      return true;
    },
  );
});

test("a window function that throws under dead-letter keeps the job running", async () => {
  const { TumblingEventTimeWindows } = await import("../windows/WindowAssigner.js");
  const { WatermarkStrategy } = await import("../time/WatermarkStrategy.js");
  const env = StreamEnvironment.create().setErrorPolicy("dead-letter");
  const out = sinks.collect<string>();
  env
    .fromArray([1, 2, 11, 12, 21])
    .assignTimestampsAndWatermarks(WatermarkStrategy.forMonotonousTimestamps<number>().withTimestampAssigner((x) => x))
    .keyBy(() => "all")
    .window(TumblingEventTimeWindows.of(10))
    .process<string>((_k, ctx, elements, collector) => {
      if (ctx.window.start === 10) throw new Error("bad window");
      collector.collect(`${ctx.window.start}:${elements.length}`);
    })
    .sinkTo(out);
  const job = env.execute("wdl");
  await job.wait();
  assert.deepEqual(out.values, ["0:2", "20:1"]);
  assert.equal(job.deadLetters().length, 1);
  assert.equal(job.deadLetters()[0]!.key, "all");
  assert.match(job.deadLetters()[0]!.reason, /bad window/);
});

test("executeAndCollect with a limit stops an unbounded job", async () => {
  const env = StreamEnvironment.create({ batchSize: 3 });
  function* forever() {
    for (let i = 0; ; i++) yield i;
  }
  assert.deepEqual(
    await env
      .fromIterable(forever())
      .map((x) => x * 2)
      .executeAndCollect("peek", { limit: 5 }),
    [0, 2, 4, 6, 8],
  );
  assert.equal(env.jobs.at(-1)!.status, "cancelled");
});
