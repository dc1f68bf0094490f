import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { OutputTag } from "../api/OutputTag.js";
import { OperatorHarness } from "../testing/OperatorHarness.js";
import { type Ev, type Out, type Step, throughJson } from "../testing/windowOperatorFixture.js";
import { Aggregators, type AggregateFunction } from "../windows/AggregateFunction.js";
import { EventTimeTrigger, ProcessingTimeTrigger, PurgingTrigger } from "../windows/Trigger.js";
import { EventTimeSessionWindows, GlobalWindows, SlidingEventTimeWindows, SlidingProcessingTimeWindows, TumblingEventTimeWindows, type WindowAssigner } from "../windows/WindowAssigner.js";
import { TimeWindow, windowStart } from "../windows/TimeWindow.js";
import type { OperatorContext, OperatorFactory } from "./Operator.js";
import { WindowOperator, type WindowOperatorConfig, type WindowOperatorPath } from "./WindowOperator.js";

/**
 * The aligned window operator against the general one: same outputs, late side output, counters and
 * dead letters on random out-of-order input with allowed lateness, and checkpoints of either restore
 * into the other.
 */

interface Setup {
  assigner: () => WindowAssigner;
  lateness: number;
  withLateTag: boolean;
  agg: "sum" | "list";
  /** Window function throws for this key (dead-letter policy), or none. */
  failKey: string | undefined;
  /** Keys as strings, numbers (incl. 0 and -0) or composites (normalized to strings by the engine). */
  keyKind: "string" | "number" | "composite";
}

const keyOf = (kind: Setup["keyKind"], k: string): unknown => (kind === "string" ? k : kind === "number" ? (k === "a" ? -0 : k === "b" ? 0 : k.charCodeAt(0)) : [k, { n: 1 }]);

const lateTag = new OutputTag<Ev>("late");

function config(s: Setup): WindowOperatorConfig<Ev, unknown, unknown, Out, unknown> {
  const agg = (s.agg === "sum" ? Aggregators.sum<Ev>((e) => e.v) : Aggregators.toList<Ev>()) as AggregateFunction<Ev, unknown, unknown>;
  return {
    assigner: s.assigner(),
    trigger: EventTimeTrigger.create(),
    allowedLateness: s.lateness,
    lateDataTag: s.withLateTag ? lateTag : undefined,
    keySelector: (e) => keyOf(s.keyKind, e.k),
    aggregate: agg,
    // As WindowedStream plans aggregate() (sliceable) and process() (a list kept per window).
    sliceable: s.agg === "sum",
    emit: (key, ctx, value, out) => {
      if (s.failKey !== undefined && JSON.stringify(key) === JSON.stringify(keyOf(s.keyKind, s.failKey))) throw new Error(`window function fails for ${key}`);
      out.collect({ key, start: ctx.window.start, end: ctx.window.end, value: Array.isArray(value) ? value.map((e: Ev) => e.v) : value, firing: ctx.firing, late: ctx.late });
    },
  };
}

interface RunResult {
  outputs: [number, Out][];
  late: Ev[];
  dropped: number;
  deadLetters: number;
  paths: string[];
}

/** The path `auto` picks: slices for sliding windows on a grid of whole slides whose aggregate merges, else panes. */
function autoPath(s: Setup): "sliced" | "aligned" {
  const a = s.assigner().aligned!;
  return s.agg === "sum" && a.windowOf === undefined && a.slide < a.size && a.size % a.slide === 0 ? "sliced" : "aligned";
}

/** Runs `steps`; at `cut`, snapshots (through JSON, as checkpoints are stored) and restores on `restorePath`. */
async function run(s: Setup, steps: Step[], path: WindowOperatorPath, cut?: number, restorePath: WindowOperatorPath = path): Promise<RunResult> {
  const factory =
    (p: WindowOperatorPath): OperatorFactory =>
    (ctx) =>
      new WindowOperator(config(s), ctx as OperatorContext<Out>, p);
  const options = { errorPolicy: "dead-letter" as const };
  let h = await OperatorHarness.create<Ev, Out>(factory(path), options);
  const result: RunResult = { outputs: [], late: [], dropped: 0, deadLetters: 0, paths: [(h.operator as WindowOperator<Ev, unknown, unknown, Out, unknown>).path] };
  const collect = () => {
    h.output.forEach((o, i) => result.outputs.push([h.outputTimestamps[i]!, o]));
    result.late.push(...h.sideOutput(lateTag));
    result.dropped += h.counters.lateRecordsDropped;
    result.deadLetters += h.counters.deadLetters;
  };
  for (let i = 0; i < steps.length; i++) {
    if (i === cut) {
      collect();
      const snap = throughJson(h.snapshot());
      h = await OperatorHarness.restore<Ev, Out>(factory(restorePath), snap, options);
      result.paths.push((h.operator as WindowOperator<Ev, unknown, unknown, Out, unknown>).path);
    }
    const step = steps[i]!;
    if ("wm" in step) h.processWatermark(step.wm);
    else h.processElement(step, step.ts);
  }
  await h.finish();
  collect();
  return result;
}

const byContent = (a: [number, Out], b: [number, Out]) => JSON.stringify(a).localeCompare(JSON.stringify(b));
const sorted = (r: RunResult) => [...r.outputs].sort((a, b) => a[0] - b[0] || byContent(a, b));
/** Checkpoints are JSON, which has no -0: a restored key -0 comes back as 0 on either path. */
const withoutNegativeZero = (rows: [number, Out][]) => rows.map(([ts, o]): [number, Out] => [ts, Object.is(o.key, -0) ? { ...o, key: 0 } : o]);

/** Each record in the one of its sliding windows it names (by its value), as SQL's rows of an upstream window aggregate are (`AlignedWindows.windowOf`). */
function attachedSliding(size: number, slide: number, offset: number): WindowAssigner {
  const windowOf = (e: unknown) => windowStart((e as Ev).ts, offset, slide) - ((e as Ev).v % (size / slide)) * slide;
  return {
    isEventTime: true,
    merging: false,
    aligned: { size, slide, offset, windowOf },
    assignWindows: (e) => [new TimeWindow(windowOf(e), windowOf(e) + size)],
    defaultTrigger: () => EventTimeTrigger.create(),
    toString: () => `AttachedSliding(${size}, ${slide}, ${offset})`,
  };
}

const setupArb: fc.Arbitrary<Setup> = fc.record({
  assigner: fc.constantFrom(
    () => TumblingEventTimeWindows.of(10),
    () => TumblingEventTimeWindows.of(10, 3),
    () => SlidingEventTimeWindows.of(10, 5),
    () => SlidingEventTimeWindows.of(10, 3),
    () => SlidingEventTimeWindows.of(12, 4, 1),
    () => SlidingEventTimeWindows.of(12, 2, -3),
    () => attachedSliding(12, 4, 1),
  ),
  lateness: fc.constantFrom(0, 4, 12),
  withLateTag: fc.boolean(),
  agg: fc.constantFrom("sum" as const, "list" as const),
  failKey: fc.constantFrom(undefined, "e"),
  keyKind: fc.constantFrom("string" as const, "number" as const, "composite" as const),
});

/** Records around a rising watermark: some on time, some late within the lateness, some later still. */
const stepsArb: fc.Arbitrary<Step[]> = fc
  .array(
    fc.oneof(
      { weight: 4, arbitrary: fc.record({ k: fc.constantFrom("a", "b", "c", "d", "e"), dt: fc.integer({ min: -25, max: 30 }), v: fc.integer({ min: 1, max: 9 }) }) },
      { weight: 1, arbitrary: fc.record({ wmStep: fc.integer({ min: 1, max: 15 }) }) },
    ),
    { minLength: 1, maxLength: 80 },
  )
  .map((raw) => {
    let wm = -5;
    return raw.map((r): Step => {
      if ("wmStep" in r) {
        wm += r.wmStep;
        return { wm };
      }
      return { k: r.k, ts: wm + r.dt, v: r.v };
    });
  });

test("sliced, aligned and general window operators give the same results, late data and dead letters", async () => {
  await fc.assert(
    fc.asyncProperty(setupArb, stepsArb, async (s, steps) => {
      const general = await run(s, steps, "general");
      assert.deepEqual(general.paths, ["general"]);
      for (const path of ["auto", "aligned"] as const) {
        const other = await run(s, steps, path);
        assert.deepEqual(other.paths, [path === "auto" ? autoPath(s) : "aligned"]);
        assert.deepEqual(sorted(other), sorted(general), path);
        // Firing order within one timestamp may differ only when cleanup timers of other windows share it.
        if (s.lateness === 0) assert.deepEqual(other.outputs, general.outputs, path);
        assert.deepEqual(
          other.outputs.map(([ts]) => ts),
          general.outputs.map(([ts]) => ts),
        );
        assert.deepEqual(other.late, general.late);
        assert.equal(other.dropped, general.dropped);
        assert.equal(other.deadLetters, general.deadLetters, path);
      }
    }),
    { numRuns: 300 },
  );
});

test("checkpoints restore across the two paths at any point", async () => {
  await fc.assert(
    fc.asyncProperty(setupArb, stepsArb, fc.nat(), async (s, steps, rawCut) => {
      const cut = rawCut % steps.length;
      const reference = withoutNegativeZero(sorted(await run(s, steps, "general")));
      // A per-window checkpoint (aligned, general) cannot be cut into slices: a sliced job restores it on panes.
      for (const [from, to, expected] of [
        ["auto", "auto", autoPath(s)],
        ["auto", "general", "general"],
        ["auto", "aligned", "aligned"],
        ["general", "auto", "aligned"],
        ["aligned", "auto", "aligned"],
      ] as const) {
        const r = await run(s, steps, from, cut, to);
        assert.equal(r.paths.at(-1), expected, `${from} → ${to}`);
        assert.deepEqual(withoutNegativeZero(sorted(r)), reference, `${from} → ${to}, cut at ${cut}`);
      }
    }),
    { numRuns: 150 },
  );
});

test("a checkpoint with windows the aligned operator cannot hold restores into the general one", async () => {
  // Taken with 7 ms tumbling windows, restored into a job with 10 ms ones: the general path keeps the old windows.
  const old: Setup = { assigner: () => TumblingEventTimeWindows.of(7), lateness: 0, withLateTag: false, agg: "sum", failKey: undefined, keyKind: "string" };
  const h = await OperatorHarness.create<Ev, Out>((ctx) => new WindowOperator(config(old), ctx));
  h.processElement({ k: "a", ts: 1, v: 2 }, 1);
  const snap = h.snapshot();
  const now: Setup = { ...old, assigner: () => TumblingEventTimeWindows.of(10) };
  const restored = await OperatorHarness.restore<Ev, Out>((ctx) => new WindowOperator(config(now), ctx), snap);
  assert.equal((restored.operator as WindowOperator<Ev, unknown, unknown, Out, unknown>).path, "general");
  restored.processElement({ k: "a", ts: 2, v: 3 }, 2);
  await restored.finish();
  assert.deepEqual(
    restored.output.map((o) => [o.start, o.end, o.value]),
    [
      [0, 7, 2],
      [0, 10, 3],
    ],
  );
});

test("old subtasks' checkpoints restored one after another keep what earlier ones restored when a later one needs the general path", async () => {
  // Rescaling offers every old subtask's state in turn: the first fits the aligned operator, the second (7 ms windows) does not.
  const now: Setup = { assigner: () => TumblingEventTimeWindows.of(10), lateness: 0, withLateTag: false, agg: "sum", failKey: undefined, keyKind: "string" };
  const first = await OperatorHarness.create<Ev, Out>((ctx) => new WindowOperator(config(now), ctx));
  first.processElement({ k: "a", ts: 1, v: 2 }, 1);
  const second = await OperatorHarness.create<Ev, Out>((ctx) => new WindowOperator(config({ ...now, assigner: () => TumblingEventTimeWindows.of(7) }), ctx));
  second.processElement({ k: "b", ts: 1, v: 5 }, 1);
  const earlier = first.snapshot().state;
  const restored = await OperatorHarness.restore<Ev, Out>((ctx) => {
    const op = new WindowOperator(config(now), ctx as OperatorContext<Out>);
    op.restoreState(structuredClone(earlier));
    return op;
  }, second.snapshot());
  assert.equal((restored.operator as WindowOperator<Ev, unknown, unknown, Out, unknown>).path, "general");
  await restored.finish();
  assert.deepEqual(restored.output.map((o) => [o.key, o.start, o.end, o.value]).sort(), [
    ["a", 0, 10, 2],
    ["b", 0, 7, 5],
  ]);
});

test("the aligned path is chosen only for event-time tumbling/sliding windows with the default trigger", async () => {
  const pathFor = async (assigner: WindowAssigner, trigger = assigner.defaultTrigger(), lateness = 0) => {
    const c = { ...config({ assigner: () => assigner, lateness, withLateTag: false, agg: "sum", failKey: undefined, keyKind: "string" }), trigger };
    const h = await OperatorHarness.create<Ev, Out>((ctx) => new WindowOperator(c, ctx));
    return (h.operator as WindowOperator<Ev, unknown, unknown, Out, unknown>).path;
  };
  assert.equal(await pathFor(TumblingEventTimeWindows.of(10)), "aligned");
  assert.equal(await pathFor(SlidingEventTimeWindows.of(10, 2)), "sliced");
  assert.equal(await pathFor(SlidingEventTimeWindows.of(10, 2), EventTimeTrigger.create(), 5), "sliced");
  assert.equal(await pathFor(SlidingEventTimeWindows.of(10, 4)), "aligned");
  assert.equal(await pathFor(SlidingEventTimeWindows.of(10, 2), EventTimeTrigger.create(), Number.POSITIVE_INFINITY), "general");
  assert.equal(await pathFor(TumblingEventTimeWindows.of(10), PurgingTrigger.of(EventTimeTrigger.create())), "general");
  assert.equal(await pathFor(TumblingEventTimeWindows.of(10), ProcessingTimeTrigger.create()), "general");
  assert.equal(await pathFor(SlidingProcessingTimeWindows.of(10, 2)), "general");
  assert.equal(await pathFor(EventTimeSessionWindows.withGap(10)), "general");
  assert.equal(await pathFor(GlobalWindows.create()), "general");
});
