import assert from "node:assert/strict";
import { test } from "node:test";
import { StreamEnvironment } from "../../api/StreamEnvironment.js";
import { sinks } from "../../sinks/sinks.js";
import { ManualClock } from "../../testing/ManualClock.js";
import { WatermarkStrategy } from "../../time/WatermarkStrategy.js";
import { TumblingEventTimeWindows } from "../../windows/WindowAssigner.js";
import type { WindowResult } from "../../windows/WindowFunction.js";
import { DataGen } from "./DataGen.js";
import type { PageView } from "./PageViews.js";

async function generate(options: Parameters<typeof DataGen.pageViews>[0], parallelism = 1): Promise<PageView[]> {
  const env = StreamEnvironment.create({ parallelism });
  const values = await env.fromSource(DataGen.pageViews({ rate: Number.POSITIVE_INFINITY, ...options })).executeAndCollect();
  return values.sort((a, b) => a.eventId - b.eventId);
}

test("page views are deterministic for a seed, whatever the parallelism", async () => {
  const a = await generate({ seed: 7, count: 500 });
  const b = await generate({ seed: 7, count: 500 }, 3);
  const c = await generate({ seed: 8, count: 500 });
  assert.equal(a.length, 500);
  assert.deepEqual(a, b);
  assert.notDeepEqual(a, c);
  assert.deepEqual(new Set(a.map((v) => v.eventId)).size, 500);
});

test("page views look realistic: skewed pages, action mix, bounded disorder", async () => {
  const views = await generate({ count: 5000, maxOutOfOrderness: 300, eventsPerSecond: 100 });
  const byPage = new Map<string, number>();
  for (const v of views) byPage.set(v.page, (byPage.get(v.page) ?? 0) + 1);
  const counts = [...byPage.values()].sort((x, y) => y - x);
  assert.ok(counts[0]! > 5 * counts[counts.length - 1]!, "popular pages dominate");
  const purchases = views.filter((v) => v.action === "purchase");
  assert.ok(purchases.length > 0 && purchases.length < views.length * 0.1);
  assert.ok(purchases.every((p) => p.amount > 0));
  let maxSeen = Number.NEGATIVE_INFINITY;
  let worst = 0;
  for (const v of views) {
    worst = Math.max(worst, maxSeen - v.ts);
    maxSeen = Math.max(maxSeen, v.ts);
  }
  assert.ok(worst > 0 && worst <= 300, `disorder ${worst} must be within the bound`);
});

test("the generator is paced by the clock", async () => {
  const clock = new ManualClock(0);
  const env = StreamEnvironment.create({ clock });
  const out = sinks.collect<PageView>();
  env.fromSource(DataGen.pageViews({ rate: 10 })).sinkTo(out);
  const job = env.execute();
  await job.whenIdle();
  assert.equal(out.values.length, 1);
  clock.advance(1000);
  await job.whenIdle();
  assert.equal(out.values.length, 11);
  clock.advance(450);
  await job.whenIdle();
  assert.equal(out.values.length, 15);
  await job.cancel();
});

test("bounded out-of-orderness equal to the generator's disorder loses no records", async () => {
  const env = StreamEnvironment.create({ batchSize: 50 });
  const out = sinks.collect<WindowResult<string, number>>();
  const results = env
    .fromSource(
      DataGen.pageViews({ rate: Number.POSITIVE_INFINITY, count: 3000, maxOutOfOrderness: 2000, eventsPerSecond: 200 }),
      WatermarkStrategy.forBoundedOutOfOrderness<PageView>(2000).withTimestampAssigner((v) => v.ts),
    )
    .keyBy((v) => v.country)
    .window(TumblingEventTimeWindows.of(1000))
    .count();
  results.sinkTo(out);
  const result = await env.execute().wait();
  assert.equal(
    out.values.reduce((n, r) => n + r.value, 0),
    3000,
  );
  assert.equal(result.metrics.operators.find((o) => o.name === "window.count")!.lateRecordsDropped, 0);
});

test("a restored generator keeps its pace from the restore, not from the first run", async () => {
  const clock = new ManualClock(0);
  const ctx = { subtask: 0, parallelism: 1, clock, jobName: "t", badRecord: () => {} };
  const first = DataGen.sequence({ rate: 100 }).createReader(ctx);
  await first.poll(2000); // starts the pacing clock
  clock.advance(10_000);
  const a = await first.poll(2000);
  assert.equal(a.values.length, 1000);
  const restoredClock = new ManualClock(50_000);
  const second = DataGen.sequence({ rate: 100 }).createReader({ ...ctx, clock: restoredClock });
  second.restorePosition?.(first.snapshotPosition?.());
  const b = await second.poll(10);
  assert.equal(b.values.length, 1, "the first poll after a restore produces at once");
});
