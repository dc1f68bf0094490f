/**
 * Punctuated watermarks (emitted from a generator's `onEvent`) take effect at the record that
 * carried them, as in Flink, wherever the watermark is generated: in a source, per split of a
 * source, or in `assignTimestampsAndWatermarks` mid-pipeline. So which records are late, and the
 * late firings, never depend on `batchSize`.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { OutputTag } from "../api/OutputTag.js";
import { StreamEnvironment } from "../api/StreamEnvironment.js";
import { arraySource } from "../connectors/collection/CollectionSources.js";
import type { Source, SourceReader } from "../connectors/Source.js";
import { sinks } from "../sinks/sinks.js";
import type { WatermarkGenerator, WatermarkOutput } from "../time/WatermarkGenerator.js";
import { WatermarkStrategy } from "../time/WatermarkStrategy.js";
import { TumblingEventTimeWindows } from "../windows/WindowAssigner.js";
import type { WindowResult } from "../windows/WindowFunction.js";

interface Ev {
  ts: number;
  /** Carries a watermark: "nothing at or before ts - 1 follows". */
  mark?: true;
  split?: string;
}

/** Flink's punctuated example: a watermark only where the stream says so, nothing periodic. */
class MarkerWatermarks implements WatermarkGenerator<Ev> {
  onEvent(event: Ev, timestamp: number, output: WatermarkOutput): void {
    if (event.mark === true) output.emitWatermark(timestamp - 1);
  }
  onPeriodicEmit(): void {}
}

const punctuated = () => WatermarkStrategy.forGenerator<Ev>(() => new MarkerWatermarks()).withTimestampAssigner((e) => e.ts);

/**
 * Hand-checked against Flink's rules (window [s, e) fires when the watermark reaches e - 1; a record
 * is dropped when e - 1 + allowedLateness <= watermark), window 10, allowed lateness 5:
 */
const EVENTS: Ev[] = [
  { ts: 1 },
  { ts: 12, mark: true }, // wm 11: [0,10) fires with {1}
  { ts: 5 }, //              9 + 5 > 11: a late firing of [0,10), count 2
  { ts: 25, mark: true }, // wm 24: [10,20) fires with {12}; [0,10) is cleaned up (14 <= 24)
  { ts: 3 }, //              [0,10) is gone: late side output
  { ts: 15 }, //             19 + 5 <= 24: late side output (the boundary)
  { ts: 18 }, //             same
  { ts: 31, mark: true }, // wm 30: [20,30) fires with {25}
  { ts: 22 }, //             29 + 5 > 30: a late firing of [20,30), count 2
  { ts: 33 }, //             end of input: [30,40) fires with {31, 33}
];

const EXPECTED_FIRINGS = [
  { start: 0, value: 1, firing: 0, late: false },
  { start: 0, value: 2, firing: 1, late: true },
  { start: 10, value: 1, firing: 0, late: false },
  { start: 20, value: 1, firing: 0, late: false },
  { start: 20, value: 2, firing: 1, late: true },
  { start: 30, value: 2, firing: 0, late: false },
];
const EXPECTED_LATE = [3, 15, 18];

type Wiring = (env: StreamEnvironment, events: Ev[]) => import("../api/DataStream.js").DataStream<Ev>;

/** The strategy on the source (Flink's `fromSource(source, strategy)`). */
const onSource: Wiring = (env, events) => env.fromSource(arraySource(events, "events"), punctuated());
/** The strategy mid-pipeline, after a map (Flink's `assignTimestampsAndWatermarks`). */
const midPipeline: Wiring = (env, events) =>
  env
    .fromSource(arraySource(events, "events"))
    .map((e) => e)
    .assignTimestampsAndWatermarks(punctuated());
/** A source made of splits (one generator per split, combined by the WatermarkMultiplexer). */
const perSplit: Wiring = (env, events) => env.fromSource(splitArraySource(events), punctuated());

async function run(wiring: Wiring, events: Ev[], batchSize: number) {
  const env = StreamEnvironment.create({ batchSize });
  const lateTag = new OutputTag<Ev>("late");
  const firings = sinks.collect<WindowResult<number, number>>();
  const late = sinks.collect<Ev>();
  const windowed = wiring(env, events)
    .keyBy(() => 0)
    .window(TumblingEventTimeWindows.of(10))
    .allowedLateness(5)
    .sideOutputLateData(lateTag)
    .count();
  windowed.sinkTo(firings);
  windowed.getSideOutput(lateTag).sinkTo(late);
  await env.execute(`punctuated b=${batchSize}`).wait();
  return {
    firings: firings.values.map((r) => ({ start: r.start, value: r.value, firing: r.firing, late: r.late })),
    late: late.values.map((e) => e.ts),
  };
}

for (const [name, wiring] of [
  ["on the source", onSource],
  ["mid-pipeline", midPipeline],
  ["per split", perSplit],
] as const) {
  test(`punctuated watermarks ${name}: the hand-checked late firings and side output at batchSize 1, 7 and 1024`, async () => {
    for (const batchSize of [1, 7, 1024]) {
      const got = await run(wiring, EVENTS, batchSize);
      assert.deepEqual(got.firings, EXPECTED_FIRINGS, `firings at batchSize ${batchSize}`);
      assert.deepEqual(got.late, EXPECTED_LATE, `late side output at batchSize ${batchSize}`);
    }
  });
}

test("punctuated watermarks on shuffled data: identical results at batchSize 1, 7 and 1024, on the source, mid-pipeline and per split", async () => {
  // A deterministic out-of-order stream: every 4th record carries a watermark, a tenth arrive up to 40 late.
  let seed = 7;
  const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
  const events: Ev[] = [];
  for (let i = 0; i < 3_000; i++) {
    const ts = i * 3 - (random() < 0.1 ? Math.floor(random() * 40) : 0);
    events.push({ ts, split: random() < 0.5 ? "a" : "b", ...(i % 4 === 3 ? { mark: true as const } : {}) });
  }
  for (const wiring of [onSource, midPipeline, perSplit]) {
    const reference = await run(wiring, events, 1);
    assert.ok(reference.late.length > 10, `the data has late records (${reference.late.length})`);
    assert.ok(
      reference.firings.some((f) => f.late),
      "and late firings",
    );
    for (const batchSize of [7, 1024]) assert.deepEqual(await run(wiring, events, batchSize), reference, `batchSize ${batchSize}`);
  }
});

/** A bounded source whose reader reads the splits named by the records' `split` (default "a"). */
function splitArraySource(events: readonly Ev[]): Source<Ev> {
  const splits = [...new Set(events.map((e) => e.split ?? "a"))];
  return {
    name: "splits",
    bounded: true,
    maxParallelism: 1,
    createReader(): SourceReader<Ev> {
      let offset = 0;
      return {
        poll: (max) => {
          const values = events.slice(offset, offset + max);
          offset += values.length;
          return { values, splits: values.map((e) => e.split ?? "a"), end: offset >= events.length };
        },
        splits: () => splits,
      };
    },
  };
}
