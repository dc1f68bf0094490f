import assert from "node:assert/strict";
import { test } from "node:test";
import { StreamEnvironment } from "../api/StreamEnvironment.js";
import { sinks } from "../sinks/sinks.js";
import { ManualClock } from "../testing/ManualClock.js";
import { TestSource } from "../testing/TestSource.js";
import { WatermarkStrategy } from "../time/WatermarkStrategy.js";
import { TumblingEventTimeWindows } from "../windows/WindowAssigner.js";
import type { WindowResult } from "../windows/WindowFunction.js";

function* naturals(): Generator<number> {
  for (let i = 0; ; i++) yield i;
}

test("a slow sink back-pressures an unbounded source", async () => {
  const batchSize = 16;
  const env = StreamEnvironment.create({ batchSize, channelCapacity: 32 });
  let writes = 0;
  let written = 0;
  let release: () => void = () => {};
  const enoughWrites = new Promise<void>((resolve) => (release = resolve));
  env
    .fromIterable(naturals())
    .map((x) => x + 1)
    .sinkTo(
      sinks.callback<number>(async (values) => {
        written += values.length;
        if (++writes === 20) release();
        await new Promise((r) => setTimeout(r, 1));
      }),
    );
  const job = env.execute("bp");
  await enoughWrites;
  const m = job.metrics();
  const source = m.operators.find((o) => o.kind === "source")!;
  // Two channels of capacity 32 (+ one batch of overshoot each) and one batch in the sink's hands.
  const inFlight = source.recordsOut - written;
  assert.ok(inFlight <= 2 * (32 + batchSize) + batchSize, `source ran ahead by ${inFlight} records`);
  assert.ok(m.operators.find((o) => o.kind === "sink")!.busySubtasks <= 1);
  const result = await job.cancel();
  assert.equal(result.status, "cancelled");
});

test("a job running flat out leaves the event loop responsive", async () => {
  const env = StreamEnvironment.create();
  let count = 0;
  env.fromIterable(naturals()).sinkTo(sinks.callback<number>((v) => void (count += v.length)));
  const job = env.execute("busy");
  // If the scheduler never yielded, this timer would never fire and the test would time out.
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(job.status, "running");
  assert.ok(count > 0);
  await job.cancel();
  assert.equal(job.status, "cancelled");
});

interface Ev {
  ts: number;
}
const byTs = () => WatermarkStrategy.forMonotonousTimestamps<Ev>().withTimestampAssigner((e) => e.ts);

test("the watermark of a union is the minimum of its inputs", async () => {
  const env = StreamEnvironment.create();
  const fast = new TestSource<Ev>("fast");
  const slow = new TestSource<Ev>("slow");
  const out = sinks.collect<WindowResult<number, number>>();
  env
    .fromSource(fast, byTs())
    .union(env.fromSource(slow, byTs()))
    .keyBy(() => 0)
    .window(TumblingEventTimeWindows.of(10))
    .count()
    .sinkTo(out);
  const job = env.execute();
  fast.push({ ts: 1 }, { ts: 50 });
  slow.push({ ts: 2 });
  await job.whenIdle();
  assert.equal(out.values.length, 0, "slow input at watermark 1 holds the window back");
  slow.push({ ts: 30 });
  await job.whenIdle();
  assert.deepEqual(
    out.values.map((r) => [r.start, r.value]),
    [[0, 2]],
  );
  fast.end();
  slow.end();
  await job.wait();
});

test("an idle input stops holding the watermark back", async () => {
  const clock = new ManualClock(0);
  const env = StreamEnvironment.create({ clock, autoWatermarkInterval: 100 });
  const busy = new TestSource<Ev>("busy");
  const quiet = new TestSource<Ev>("quiet");
  const out = sinks.collect<WindowResult<number, number>>();
  env
    .fromSource(busy, byTs())
    .union(env.fromSource(quiet, byTs().withIdleness(1000)))
    .keyBy(() => 0)
    .window(TumblingEventTimeWindows.of(10))
    .count()
    .sinkTo(out);
  const job = env.execute();
  quiet.push({ ts: 0 });
  busy.push({ ts: 5 }, { ts: 25 });
  await job.whenIdle();
  assert.equal(out.values.length, 0);
  clock.advance(500);
  await job.whenIdle();
  assert.equal(out.values.length, 0, "not idle yet");
  clock.advance(600);
  await job.whenIdle();
  assert.deepEqual(
    out.values.map((r) => [r.start, r.value]),
    [[0, 2]],
  );
  await job.cancel();
});

test("an operator is told when its combined input goes idle and active again (the window Top prune stops trusting its watermark)", async () => {
  const clock = new ManualClock(0);
  const env = StreamEnvironment.create({ clock, autoWatermarkInterval: 100 });
  const quiet = new TestSource<Ev>("quiet");
  const seen: boolean[] = [];
  env
    .fromSource(quiet, byTs().withIdleness(1000))
    .transform<Ev>("status", (ctx) => ({
      processBatch: (batch) => ctx.output.emitBatch(batch.values, batch.timestamps),
      onWatermarkStatus: (idle: boolean) => seen.push(idle),
    }))
    .sinkTo(sinks.collect());
  const job = env.execute();
  quiet.push({ ts: 10 });
  await job.whenIdle();
  clock.advance(1100);
  await job.whenIdle();
  assert.deepEqual(seen, [true]);
  quiet.push({ ts: 20 });
  await job.whenIdle();
  assert.deepEqual(seen, [true, false]);
  await job.cancel();
});

test("an input back from idle below the combined watermark does not hold it until it catches up (Flink's StatusWatermarkValve)", async () => {
  const clock = new ManualClock(0);
  const env = StreamEnvironment.create({ clock, autoWatermarkInterval: 100 });
  const busy = new TestSource<Ev>("busy");
  const quiet = new TestSource<Ev>("quiet");
  env
    .fromSource(busy, byTs())
    .union(env.fromSource(quiet, byTs().withIdleness(1000)))
    .map((e) => e.ts)
    .name("after union")
    .sinkTo(sinks.collect());
  const job = env.execute();
  const watermark = async () => {
    await job.whenIdle();
    return job.metrics().operators.find((o) => o.name === "after union")?.watermark;
  };
  quiet.push({ ts: 10 });
  busy.push({ ts: 100 });
  assert.equal(await watermark(), 9);
  clock.advance(1100); // quiet is idle: busy alone counts
  assert.equal(await watermark(), 99);
  busy.push({ ts: 300 });
  assert.equal(await watermark(), 299);
  quiet.push({ ts: 50 }); // back, far behind: its records are late, and it must not stall event time
  busy.push({ ts: 400 });
  assert.equal(await watermark(), 399);
  await job.cancel();
});

test("metrics report records, watermark and status per operator", async () => {
  const env = StreamEnvironment.create();
  const src = new TestSource<Ev>();
  env
    .fromSource(src, byTs())
    .map((e) => e.ts)
    .name("ts")
    .sinkTo(sinks.collect());
  const job = env.execute("m");
  src.push({ ts: 10 }, { ts: 20 });
  await job.whenIdle();
  const m = job.metrics();
  assert.equal(m.status, "running");
  const op = m.operators.find((o) => o.name === "ts")!;
  assert.equal(op.recordsIn, 2);
  assert.equal(op.recordsOut, 2);
  assert.equal(op.watermark, 19);
  assert.equal(m.watermark, 19);
  src.end();
  const result = await job.done;
  assert.equal(result.metrics.status, "finished");
  assert.equal(result.metrics.watermark, Number.POSITIVE_INFINITY);
});

test("a failing async sink fails the job with a SinkError", async () => {
  const env = StreamEnvironment.create();
  env.fromArray([1, 2]).sinkTo(
    sinks.callback(async () => {
      throw new Error("disk full");
    }, "writer"),
  );
  const result = await env.execute("s").done;
  assert.equal(result.status, "failed");
  assert.equal(result.error!.name, "SinkError");
  assert.equal(result.error!.context.operator, "writer");
  assert.match(result.error!.message, /disk full/);
});

test("cancel waits for a sink's write in flight before closing the sink", async () => {
  const env = StreamEnvironment.create({ batchSize: 8 });
  const events: string[] = [];
  let writeStarted: () => void = () => {};
  const started = new Promise<void>((resolve) => (writeStarted = resolve));
  env.fromIterable(naturals()).sinkTo({
    name: "slow",
    createWriter: () => ({
      write: async () => {
        events.push("write");
        writeStarted();
        await new Promise((r) => setTimeout(r, 50));
        events.push("write done");
      },
      close: () => void events.push("close"),
    }),
  });
  const job = env.execute("cancel-mid-write");
  await started;
  const result = await job.cancel();
  assert.equal(result.status, "cancelled");
  assert.deepEqual(events.slice(-3), ["write", "write done", "close"]);
});

test("each batch a source emits goes through the pipeline before the source polls again (upstream first)", async () => {
  // Run downstream first, the source made its next batch while the last one was still queued downstream,
  // so every stage held a batch at once (and each scavenge copied them all): poll 1, poll 2, write 1, poll 3, ...
  const batchSize = 4;
  const env = StreamEnvironment.create({ batchSize });
  const log: string[] = [];
  let next = 0;
  env
    .fromSource<number>({
      name: "counted",
      bounded: true,
      createReader: () => ({
        poll(max) {
          const values = Array.from({ length: max }, () => next++);
          log.push(`poll ${values[0]! / batchSize}`);
          return { values, end: next >= 4 * batchSize };
        },
      }),
    })
    .map((x) => x * 2)
    .filter(() => true)
    .sinkTo(sinks.callback<number>((values) => void log.push(`write ${values[0]! / 2 / batchSize}`)));
  await env.execute("depth first").wait();
  assert.deepEqual(log, ["poll 0", "write 0", "poll 1", "write 1", "poll 2", "write 2", "poll 3", "write 3"]);
});
