import assert from "node:assert/strict";
import { test } from "node:test";
import type { KeyedProcessFunction } from "../api/keyedFunctions.js";
import { OutputTag } from "../api/OutputTag.js";
import { StreamEnvironment } from "../api/StreamEnvironment.js";
import { sinks } from "../sinks/sinks.js";
import type { ListState, MapState, ValueState } from "../state/State.js";
import { assertMissingTimestamp } from "../testing/assertMissingTimestamp.js";
import { ManualClock } from "../testing/ManualClock.js";
import { TestSource } from "../testing/TestSource.js";
import { WatermarkStrategy } from "../time/WatermarkStrategy.js";

interface Click {
  user: string;
  ts: number;
  page?: string;
}
const byTs = () => WatermarkStrategy.forMonotonousTimestamps<Click>().withTimestampAssigner((c) => c.ts);

test("value state is scoped to the key and event-time timers fire on the watermark", async () => {
  const env = StreamEnvironment.create({ parallelism: 2 });
  const src = new TestSource<Click>();
  const out = sinks.collect<[string, number, number]>();
  type Fn = KeyedProcessFunction<string, Click, [string, number, number]> & { count?: ValueState<number> };
  const fn: Fn = {
    open(rc) {
      this.count = rc.getState<number>("count", 0);
    },
    processElement(_c, ctx) {
      if (this.count!.value() === 0) ctx.timerService.registerEventTimeTimer(ctx.timestamp + 10);
      this.count!.update(this.count!.value()! + 1);
    },
    onTimer(ts, ctx, collector) {
      collector.collect([ctx.getCurrentKey(), ts, this.count!.value()!]);
      this.count!.clear();
    },
  };
  env
    .fromSource(src, byTs())
    .keyBy((c) => c.user)
    .process(fn)
    .sinkTo(out);
  const job = env.execute();
  src.push({ user: "ann", ts: 1 }, { user: "bob", ts: 2 }, { user: "ann", ts: 5 });
  await job.whenIdle();
  assert.deepEqual(out.values, []);
  src.push({ user: "bob", ts: 11 });
  await job.whenIdle();
  assert.deepEqual(out.values, [], "watermark 10 < timer 11");
  src.push({ user: "bob", ts: 12 });
  await job.whenIdle();
  assert.deepEqual(out.values, [["ann", 11, 2]]);
  assert.equal(out.timestamps[0], 11, "event-time timer output carries the timer timestamp");
  src.end();
  await job.wait();
  assert.deepEqual(out.values, [
    ["ann", 11, 2],
    ["bob", 12, 3],
  ]);
});

test("processing-time timers fire on the injected clock", async () => {
  const clock = new ManualClock(0);
  const env = StreamEnvironment.create({ clock });
  const src = new TestSource<Click>();
  const out = sinks.collect<string>();
  env
    .fromSource(src)
    .keyBy((c) => c.user)
    .process<string>({
      processElement(_c, ctx) {
        ctx.timerService.registerProcessingTimeTimer(ctx.currentProcessingTime() + 1000);
      },
      onTimer(ts, ctx, collector) {
        collector.collect(`${ctx.getCurrentKey()}@${ts}/${ctx.timeDomain}`);
      },
    })
    .sinkTo(out);
  const job = env.execute();
  src.push({ user: "a", ts: 0 });
  await job.whenIdle();
  clock.advance(999);
  await job.whenIdle();
  assert.deepEqual(out.values, []);
  clock.advance(1);
  await job.whenIdle();
  assert.deepEqual(out.values, ["a@1000/processing-time"]);
  await job.cancel();
});

test("list and map state, deleted timers and side outputs", async () => {
  const env = StreamEnvironment.create();
  const pagesTag = new OutputTag<string>("pages");
  const out = sinks.collect<string>();
  const side = sinks.collect<string>();
  type Fn = KeyedProcessFunction<string, Click, string> & { visits?: ListState<number>; pages?: MapState<string, number> };
  const fn: Fn = {
    open(rc) {
      this.visits = rc.getListState<number>("visits");
      this.pages = rc.getMapState<string, number>("pages");
    },
    processElement(c, ctx, collector) {
      this.visits!.add(c.ts);
      this.pages!.put(c.page!, (this.pages!.get(c.page!) ?? 0) + 1);
      ctx.timerService.registerEventTimeTimer(1000);
      if (c.page === "/cancel") ctx.timerService.deleteEventTimeTimer(1000);
      ctx.output(pagesTag, `${ctx.getCurrentKey()}:${c.page}`);
      collector.collect(`${ctx.getCurrentKey()} visits=${this.visits!.get().join(",")} pages=${[...this.pages!.entries()].map(([p, n]) => `${p}x${n}`).join(",")}`);
    },
    onTimer(_ts, ctx, collector) {
      collector.collect(`timer ${ctx.getCurrentKey()}`);
    },
  };
  const result = env
    .fromSource(
      (() => {
        const s = new TestSource<Click>();
        s.push({ user: "u", ts: 1, page: "/a" }, { user: "v", ts: 2, page: "/a" }, { user: "u", ts: 3, page: "/a" }, { user: "v", ts: 4, page: "/cancel" }).end();
        return s;
      })(),
      byTs(),
    )
    .keyBy((c) => c.user)
    .process(fn);
  result.sinkTo(out);
  result.getSideOutput(pagesTag).sinkTo(side);
  await env.execute().wait();
  assert.deepEqual(out.values, ["u visits=1 pages=/ax1", "v visits=2 pages=/ax1", "u visits=1,3 pages=/ax2", "v visits=2,4 pages=/ax1,/cancelx1", "timer u"]);
  assert.deepEqual(side.values, ["u:/a", "v:/a", "u:/a", "v:/cancel"]);
});

test("rolling reduce per key", async () => {
  const env = StreamEnvironment.create();
  const sums = await env
    .fromArray([
      ["a", 1],
      ["b", 10],
      ["a", 2],
    ] as [string, number][])
    .keyBy((p) => p[0])
    .reduce((x, y) => [x[0], x[1] + y[1]])
    .executeAndCollect();
  assert.deepEqual(sums, [
    ["a", 1],
    ["b", 10],
    ["a", 3],
  ]);
});

test("composite keys group equal arrays together", async () => {
  const env = StreamEnvironment.create({ parallelism: 3 });
  const out = await env
    .fromArray([
      { a: "x", b: 1 },
      { a: "x", b: 1 },
      { a: "x", b: 2 },
    ])
    .keyBy((r) => [r.a, r.b])
    .process<string>((_r, ctx, collector) => {
      const n = ctx.getState<number>("n", 0);
      n.update(n.value()! + 1);
      collector.collect(`${JSON.stringify(ctx.getCurrentKey())}=${n.value()}`);
    })
    .executeAndCollect();
  assert.deepEqual([...out].sort(), ['["x",1]=1', '["x",1]=2', '["x",2]=1']);
});

test("a throwing keyed function names the key in its error", async () => {
  const env = StreamEnvironment.create();
  env
    .fromArray([{ user: "zed", ts: 0 }])
    .keyBy((c) => c.user)
    .process(() => {
      throw new Error("nope");
    })
    .sinkTo(sinks.collect());
  const result = await env.execute("k").done;
  assert.equal(result.error!.context.key, "zed");
  assert.match(result.error!.message, /key "zed"/);
});

test("each parallel subtask gets its own copy of the function, so state handles kept on `this` stay its own", async () => {
  const env = StreamEnvironment.create({ parallelism: 2 });
  const out = sinks.latest<[string, number]>((r) => r[0]);
  type Fn = KeyedProcessFunction<string, Click, [string, number]> & { count?: ValueState<number> };
  const fn: Fn = {
    open(rc) {
      this.count = rc.getState<number>("count", 0);
    },
    processElement(c, _ctx, collector) {
      const n = this.count!.value()! + 1;
      this.count!.update(n);
      collector.collect([c.user, n]);
    },
  };
  const users = Array.from({ length: 40 }, (_, i) => `user-${i}`);
  const clicks = Array.from({ length: 400 }, (_, i) => ({ user: users[i % users.length]!, ts: i }));
  env
    .fromArray(clicks)
    .keyBy((c) => c.user)
    .process(fn)
    .sinkTo(out);
  await env.execute().wait();
  assert.deepEqual(
    out.values().sort((a, b) => a[0].localeCompare(b[0])),
    users.map((u) => [u, 10] as [string, number]).sort((a, b) => a[0].localeCompare(b[0])),
  );
});

test("an event-time timer for a record without a timestamp (ctx.timestamp + …, NaN) fails the job with MissingTimestampError", async () => {
  const env = StreamEnvironment.create();
  const fn: KeyedProcessFunction<string, Click, string> = {
    processElement(c, ctx, out) {
      ctx.timerService.registerEventTimeTimer(ctx.timestamp + 10);
      out.collect(c.user);
    },
  };
  env
    .fromArray<Click>([{ user: "ann", ts: 1 }])
    .keyBy((c) => c.user)
    .process(fn)
    .sinkTo(sinks.collect());
  assertMissingTimestamp(await env.execute("no-ts timer").done, { job: "no-ts timer", operator: /keyedProcess/, key: "ann", record: { user: "ann", ts: 1 } });
});
