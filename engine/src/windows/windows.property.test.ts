import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { StreamEnvironment } from "../api/StreamEnvironment.js";
import type { Sink } from "../sinks/Sink.js";
import { sinks } from "../sinks/sinks.js";
import { WatermarkStrategy } from "../time/WatermarkStrategy.js";
import { Aggregators } from "./AggregateFunction.js";
import { EventTimeSessionWindows, SlidingEventTimeWindows, TumblingEventTimeWindows } from "./WindowAssigner.js";
import type { WindowResult } from "./WindowFunction.js";

const timestamp = fc.integer({ min: -1_000_000_000, max: 1_000_000_000 });

test("tumbling: exactly one window, aligned to size and offset, contains the timestamp", () => {
  fc.assert(
    fc.property(timestamp, fc.integer({ min: 1, max: 100_000 }), fc.integer({ min: 0, max: 100_000 }), (ts, size, rawOffset) => {
      const offset = rawOffset % size;
      const windows = TumblingEventTimeWindows.of(size, offset).assignWindows(null, ts, 0);
      assert.equal(windows.length, 1);
      const w = windows[0]!;
      assert.ok(w.start <= ts && ts < w.end);
      assert.equal(w.end - w.start, size);
      assert.equal((((w.start - offset) % size) + size) % size, 0);
    }),
  );
});

test("sliding: every window of size `size` starting on a slide boundary that contains the timestamp, and no other", () => {
  fc.assert(
    fc.property(timestamp, fc.integer({ min: 1, max: 1000 }), fc.integer({ min: 1, max: 20 }), (ts, slide, factor) => {
      const size = slide * factor + (factor > 1 && ts % 2 === 0 ? slide - 1 : 0);
      const windows = SlidingEventTimeWindows.of(size, slide).assignWindows(null, ts, 0);
      for (const w of windows) {
        assert.ok(w.start <= ts && ts < w.end, `${w} must contain ${ts}`);
        assert.equal(w.end - w.start, size);
        assert.equal(((w.start % slide) + slide) % slide, 0);
      }
      // Slide-aligned starts in (ts - size, ts]: floor division counts them independently of the assigner.
      assert.equal(windows.length, Math.floor(ts / slide) - Math.floor((ts - size) / slide));
      assert.equal(new Set(windows.map((w) => w.start)).size, windows.length);
    }),
  );
});

/** Records every watermark a sink subtask sees, in order. */
function watermarkRecorder(seen: number[][]): Sink<unknown> {
  return {
    name: "watermarks",
    createWriter: (ctx) => {
      const mine: number[] = [];
      seen[ctx.subtask] = mine;
      return { write: () => {}, onWatermark: (w) => void mine.push(w) };
    },
  };
}

test("watermarks reaching every subtask never decrease, through unions, rebalancing and key partitioning", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.integer({ min: 0, max: 10_000 }), { minLength: 1, maxLength: 200 }),
      fc.array(fc.integer({ min: 0, max: 10_000 }), { minLength: 0, maxLength: 200 }),
      fc.integer({ min: 1, max: 17 }),
      fc.integer({ min: 1, max: 4 }),
      fc.integer({ min: 0, max: 500 }),
      async (a, b, batchSize, parallelism, bound) => {
        const env = StreamEnvironment.create({ batchSize, parallelism });
        const strategy = WatermarkStrategy.forBoundedOutOfOrderness<number>(bound).withTimestampAssigner((x) => x);
        const seen: number[][] = [];
        env
          .fromArray(a)
          .assignTimestampsAndWatermarks(strategy)
          .union(env.fromArray(b).assignTimestampsAndWatermarks(strategy))
          .rebalance()
          .map((x) => x)
          .keyBy((x) => x % 7)
          .process<number>((x, _ctx, out) => out.collect(x))
          .sinkTo(watermarkRecorder(seen));
        await env.execute().wait();
        assert.equal(seen.length, parallelism);
        for (const marks of seen) {
          for (let i = 1; i < marks.length; i++) assert.ok(marks[i]! > marks[i - 1]!, `watermarks ${marks.join(",")} must increase`);
          assert.equal(marks.at(-1), Number.POSITIVE_INFINITY);
          // Never ahead of what the inputs allow: max(all timestamps) - bound - 1 before the end.
          const finite = marks.filter((m) => m !== Number.POSITIVE_INFINITY);
          if (finite.length > 0) assert.ok(finite.at(-1)! <= Math.max(...a, ...b) - bound - 1);
        }
      },
    ),
    { numRuns: 60 },
  );
});

test("session merging equals sorting and splitting at gaps, for any arrival order", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.record({ k: fc.constantFrom("a", "b", "c"), ts: fc.integer({ min: 0, max: 2000 }) }), { minLength: 1, maxLength: 120 }),
      fc.integer({ min: 1, max: 100 }),
      fc.integer({ min: 1, max: 9 }),
      async (events, gap, batchSize) => {
        const env = StreamEnvironment.create({ batchSize });
        const out = sinks.collect<WindowResult<string, number>>();
        env
          .fromArray(events)
          // No watermarks until the end: every merge happens before anything fires.
          .assignTimestampsAndWatermarks(WatermarkStrategy.noWatermarks<{ k: string; ts: number }>().withTimestampAssigner((e) => e.ts))
          .keyBy((e) => e.k)
          .window(EventTimeSessionWindows.withGap(gap))
          .count()
          .sinkTo(out);
        await env.execute().wait();
        const expected: [string, number, number, number][] = [];
        for (const k of ["a", "b", "c"]) {
          const ts = events
            .filter((e) => e.k === k)
            .map((e) => e.ts)
            .sort((x, y) => x - y);
          let start = 0;
          for (let i = 1; i <= ts.length; i++) {
            if (i === ts.length || ts[i]! - ts[i - 1]! > gap) {
              expected.push([k, ts[start]!, ts[i - 1]! + gap, i - start]);
              start = i;
            }
          }
        }
        const actual = out.values.map((r): [string, number, number, number] => [r.key, r.start, r.end, r.value]);
        const order = (x: [string, number, number, number], y: [string, number, number, number]) => x[0].localeCompare(y[0]) || x[1] - y[1];
        assert.deepEqual(actual.sort(order), expected.sort(order));
      },
    ),
    { numRuns: 100 },
  );
});

test("tumbling counts over shuffled input equal a direct count when nothing is late", async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(fc.integer({ min: 0, max: 5000 }), { minLength: 1, maxLength: 150 }), fc.integer({ min: 1, max: 500 }), async (ts, size) => {
      const env = StreamEnvironment.create({ batchSize: 4, parallelism: 2 });
      const results = await env
        .fromArray(ts)
        .assignTimestampsAndWatermarks(WatermarkStrategy.forBoundedOutOfOrderness<number>(5001).withTimestampAssigner((x) => x))
        .keyBy((x) => x % 3)
        .window(TumblingEventTimeWindows.of(size))
        .aggregateWithWindow(Aggregators.count<number>())
        .executeAndCollect();
      const expected = new Map<string, number>();
      for (const t of ts) {
        const id = `${t % 3}|${t - (t % size)}`;
        expected.set(id, (expected.get(id) ?? 0) + 1);
      }
      assert.deepEqual(new Map(results.map((r) => [`${r.key}|${r.start}`, r.value])), expected);
    }),
    { numRuns: 60 },
  );
});
