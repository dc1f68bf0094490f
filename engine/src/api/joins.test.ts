import assert from "node:assert/strict";
import { test } from "node:test";
import { sinks } from "../sinks/sinks.js";
import { assertMissingTimestamp } from "../testing/assertMissingTimestamp.js";
import { WatermarkStrategy } from "../time/WatermarkStrategy.js";
import { TumblingEventTimeWindows } from "../windows/WindowAssigner.js";
import { OutputTag } from "./OutputTag.js";
import { StreamEnvironment } from "./StreamEnvironment.js";

interface E {
  k: string;
  ts: number;
  id: string;
}
const byTs = (bound = 0) => WatermarkStrategy.forBoundedOutOfOrderness<E>(bound).withTimestampAssigner((e) => e.ts);

test("connect + coMap handles both inputs", async () => {
  const env = StreamEnvironment.create();
  const out = await env
    .fromArray([1, 2])
    .connect(env.fromArray(["x"]))
    .map(
      (n) => `n${n}`,
      (s) => `s${s}`,
    )
    .executeAndCollect();
  assert.deepEqual([...out].sort(), ["n1", "n2", "sx"]);
});

test("keyed co-process shares state between inputs of the same key", async () => {
  const env = StreamEnvironment.create({ parallelism: 3 });
  const orders = env.fromArray([
    { orderId: 1, item: "book" },
    { orderId: 2, item: "pen" },
  ]);
  const payments = env.fromArray([
    { orderId: 2, amount: 3 },
    { orderId: 1, amount: 20 },
    { orderId: 9, amount: 1 },
  ]);
  const out = await orders
    .connect(payments)
    .keyBy(
      (o) => o.orderId,
      (p) => p.orderId,
    )
    .process<string>({
      processElement1(o, ctx, collector) {
        const paid = ctx.getState<number>("paid").value();
        if (paid !== undefined) collector.collect(`${o.item}:${paid}`);
        else ctx.getState<string>("item").update(o.item);
      },
      processElement2(p, ctx, collector) {
        const item = ctx.getState<string>("item").value();
        if (item !== undefined) collector.collect(`${item}:${p.amount}`);
        else ctx.getState<number>("paid").update(p.amount);
      },
    })
    .executeAndCollect();
  assert.deepEqual([...out].sort(), ["book:20", "pen:3"]);
});

function makeEvents(prefix: string, n: number, seed: number): E[] {
  const out: E[] = [];
  let x = seed;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    out.push({ k: `k${x % 3}`, ts: i * 7 + (x % 11), id: `${prefix}${i}` });
  }
  return out;
}

test("interval join matches a brute-force join when nothing is late", async () => {
  const lefts = makeEvents("L", 150, 1);
  const rights = makeEvents("R", 150, 2);
  const env = StreamEnvironment.create({ parallelism: 2, batchSize: 8 });
  const out = await env
    .fromArray(lefts)
    .assignTimestampsAndWatermarks(byTs(20))
    .keyBy((e) => e.k)
    .intervalJoin(
      env
        .fromArray(rights)
        .assignTimestampsAndWatermarks(byTs(20))
        .keyBy((e) => e.k),
    )
    .between(-5, 15)
    .process<string>((l, r, ctx, collector) => {
      assert.equal(ctx.timestamp, Math.max(l.ts, r.ts));
      collector.collect(`${l.id}-${r.id}`);
    })
    .executeAndCollect();
  const expected: string[] = [];
  for (const l of lefts) for (const r of rights) if (l.k === r.k && r.ts >= l.ts - 5 && r.ts <= l.ts + 15) expected.push(`${l.id}-${r.id}`);
  assert.ok(expected.length > 50);
  assert.deepEqual([...out].sort(), expected.sort());
});

test("interval join sends late records to the side output", async () => {
  const env = StreamEnvironment.create({ batchSize: 1 });
  const lateLeft = new OutputTag<E>("late-left");
  const joined = env
    .fromArray([
      { k: "a", ts: 100, id: "L1" },
      { k: "a", ts: 10, id: "L2" },
    ])
    .assignTimestampsAndWatermarks(byTs(0))
    .keyBy((e) => e.k)
    .intervalJoin(
      env
        .fromArray<E>([])
        .assignTimestampsAndWatermarks(byTs(0))
        .keyBy((e) => e.k),
    )
    .between(0, 10)
    .sideOutputLeftLateData(lateLeft)
    .process<string>((l, r, _c, collector) => collector.collect(l.id + r.id));
  const late = sinks.collect<E>();
  joined.getSideOutput(lateLeft).sinkTo(late);
  joined.sinkTo(sinks.collect());
  await env.execute().wait();
  assert.deepEqual(
    late.values.map((e) => e.id),
    ["L2"],
  );
});

test("window join pairs records of equal key in the same window", async () => {
  const lefts = makeEvents("L", 60, 3);
  const rights = makeEvents("R", 60, 4);
  const env = StreamEnvironment.create();
  const out = await env
    .fromArray(lefts)
    .assignTimestampsAndWatermarks(byTs(20))
    .join(env.fromArray(rights).assignTimestampsAndWatermarks(byTs(20)))
    .where((l) => l.k)
    .equalTo((r) => r.k)
    .window(TumblingEventTimeWindows.of(50))
    .apply((l, r) => `${l.id}-${r.id}`)
    .executeAndCollect();
  const expected: string[] = [];
  for (const l of lefts) for (const r of rights) if (l.k === r.k && Math.floor(l.ts / 50) === Math.floor(r.ts / 50)) expected.push(`${l.id}-${r.id}`);
  assert.ok(expected.length > 20);
  assert.deepEqual([...out].sort(), expected.sort());
});

test("interval join of a record without a timestamp fails the job with MissingTimestampError (not buffered at NaN, never joined)", async () => {
  const env = StreamEnvironment.create();
  env
    .fromArray<E>([{ k: "a", ts: 1, id: "L1" }])
    .keyBy((e) => e.k)
    .intervalJoin(
      env
        .fromArray<E>([{ k: "a", ts: 1, id: "R1" }])
        .assignTimestampsAndWatermarks(byTs(0))
        .keyBy((e) => e.k),
    )
    .between(0, 10)
    .process<string>((l, r, _c, collector) => collector.collect(l.id + r.id))
    .sinkTo(sinks.collect());
  assertMissingTimestamp(await env.execute("no-ts interval join").done, { job: "no-ts interval join", operator: /intervalJoin/, key: "a", record: { k: "a", ts: 1, id: "L1" } });
});

test("window join of a record without a timestamp fails the job with MissingTimestampError (the record shown as the join's tagged union: side and value)", async () => {
  const env = StreamEnvironment.create();
  env
    .fromArray<E>([{ k: "a", ts: 1, id: "L1" }])
    .assignTimestampsAndWatermarks(byTs(0))
    .join(env.fromArray<E>([{ k: "a", ts: 1, id: "R1" }]))
    .where((l) => l.k)
    .equalTo((r) => r.k)
    .window(TumblingEventTimeWindows.of(50))
    .apply((l, r) => `${l.id}-${r.id}`)
    .sinkTo(sinks.collect());
  assertMissingTimestamp(await env.execute("no-ts window join").done, { job: "no-ts window join", operator: /windowJoin/, key: "a", record: { side: 1, value: { k: "a", ts: 1, id: "R1" } } });
});
