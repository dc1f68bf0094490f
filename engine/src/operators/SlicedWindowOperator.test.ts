import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { normalizeKey, ownsKey } from "../graph/keys.js";
import { OperatorHarness } from "../testing/OperatorHarness.js";
import { type Ev, type Out, type Step, throughJson } from "../testing/windowOperatorFixture.js";
import { Aggregators, type AggregateFunction } from "../windows/AggregateFunction.js";
import { EventTimeTrigger } from "../windows/Trigger.js";
import { SlidingEventTimeWindows } from "../windows/WindowAssigner.js";
import type { OperatorContext } from "./Operator.js";
import { WindowOperator, type WindowOperatorConfig, type WindowOperatorPath } from "./WindowOperator.js";

/**
 * The sliced path's own points (AlignedWindowOperator.test.ts compares it with the others on random input):
 * one accumulator update per record, aggregates whose merge reuses an argument, and checkpoints of several
 * subtasks restored into another parallelism.
 */

function config(agg: AggregateFunction<Ev, unknown, unknown>, lateness = 0): WindowOperatorConfig<Ev, unknown, unknown, Out, string> {
  return {
    assigner: SlidingEventTimeWindows.of(10, 2),
    trigger: EventTimeTrigger.create(),
    allowedLateness: lateness,
    lateDataTag: undefined,
    keySelector: (e) => e.k,
    aggregate: agg,
    sliceable: true,
    emit: (key, ctx, value, out) => out.collect({ key, start: ctx.window.start, end: ctx.window.end, value, firing: ctx.firing, late: ctx.late }),
  };
}

const pathOf = (h: OperatorHarness<Ev, Out>) => (h.operator as WindowOperator<Ev, unknown, unknown, Out, string>).path;

test("a record in a sliding window updates one accumulator, not one per window (size/slide)", async () => {
  let adds = 0;
  const sum = Aggregators.sum<Ev>((e) => e.v);
  const counting: AggregateFunction<Ev, number, number> = { ...sum, add: (e, acc) => (adds++, sum.add(e, acc)) };
  const h = await OperatorHarness.create<Ev, Out>((ctx) => new WindowOperator(config(counting as AggregateFunction<Ev, unknown, unknown>), ctx as OperatorContext<Out>));
  assert.equal(pathOf(h), "sliced");
  for (let ts = 0; ts < 100; ts++) h.processElement({ k: `k${ts % 3}`, ts, v: 1 }, ts);
  await h.finish();
  assert.equal(adds, 100);
  // Every window of 10 ms over 100 records one per ms: 10 records, spread over its keys; the first and last windows overhang the data.
  const totals = new Map<number, number>();
  for (const o of h.output) totals.set(o.start, (totals.get(o.start) ?? 0) + (o.value as number));
  assert.deepEqual(
    [...totals],
    Array.from({ length: 54 }, (_, i) => -8 + 2 * i).map((start) => [start, Math.min(start + 10, 100) - Math.max(start, 0)]),
  );
});

test("an aggregate whose merge changes its first argument or returns its second gives each window its own records", async () => {
  // Flink's AggregateFunction.merge may reuse either accumulator; slices belong to several windows.
  const list: AggregateFunction<Ev, number[], number[]> = {
    createAccumulator: () => [],
    add: (e, acc) => (acc.push(e.v), acc),
    getResult: (acc) => acc,
    merge: (a, b) => (a.length === 0 ? b : (a.push(...b), a)),
  };
  const run = async (path: WindowOperatorPath) => {
    const h = await OperatorHarness.create<Ev, Out>((ctx) => new WindowOperator(config(list as AggregateFunction<Ev, unknown, unknown>), ctx as OperatorContext<Out>, path));
    for (let ts = 0; ts < 30; ts++) h.processElement({ k: "a", ts, v: ts }, ts);
    await h.finish();
    return { path: pathOf(h), out: h.output.map((o) => [o.start, [...(o.value as number[])].sort((x, y) => x - y)]) };
  };
  const sliced = await run("auto");
  const general = await run("general");
  assert.equal(sliced.path, "sliced");
  assert.deepEqual(sliced.out, general.out);
});

const stepsArb: fc.Arbitrary<Step[]> = fc
  .array(
    fc.oneof(
      { weight: 4, arbitrary: fc.record({ k: fc.constantFrom("a", "b", "c", "d", "e", "f"), dt: fc.integer({ min: -15, max: 20 }), v: fc.integer({ min: 1, max: 9 }) }) },
      { weight: 1, arbitrary: fc.record({ wmStep: fc.integer({ min: 1, max: 9 }) }) },
    ),
    { minLength: 1, maxLength: 60 },
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

/** Runs `steps` on `from` subtasks, checkpoints them at `cut` (through JSON) and runs the rest on `to` subtasks, each restoring every old subtask's state. */
async function rescaled(steps: Step[], cut: number, from: number, to: number, lateness: number): Promise<[number, Out][]> {
  const sum = Aggregators.sum<Ev>((e) => e.v) as AggregateFunction<Ev, unknown, unknown>;
  const factory = (ctx: unknown) => new WindowOperator(config(sum, lateness), ctx as OperatorContext<Out>);
  const outputs: [number, Out][] = [];
  const drain = (hs: OperatorHarness<Ev, Out>[]) => {
    for (const h of hs) h.output.forEach((o, i) => outputs.push([h.outputTimestamps[i]!, o]));
  };
  const feed = (hs: OperatorHarness<Ev, Out>[], part: Step[], parallelism: number) => {
    for (const step of part) {
      if ("wm" in step) for (const h of hs) h.processWatermark(step.wm);
      else hs[hs.findIndex((_, s) => ownsKey({ maxParallelism: 128, parallelism, subtask: s })(normalizeKey(step.k)))]!.processElement(step, step.ts);
    }
  };
  const before = await Promise.all(Array.from({ length: from }, (_, s) => OperatorHarness.create<Ev, Out>(factory, { parallelism: from, subtask: s })));
  feed(before, steps.slice(0, cut), from);
  drain(before);
  const snaps = before.map((h) => throughJson(h.snapshot()));
  const after: OperatorHarness<Ev, Out>[] = [];
  for (let s = 0; s < to; s++) {
    const others = snaps.slice(1);
    const h = await OperatorHarness.restore<Ev, Out>(
      (ctx) => {
        const op = factory(ctx);
        for (const o of others) op.restoreState(structuredClone(o.state));
        return op;
      },
      snaps[0]!,
      { parallelism: to, subtask: s },
    );
    assert.equal(pathOf(h), "sliced");
    after.push(h);
  }
  feed(after, steps.slice(cut), to);
  for (const h of after) await h.finish();
  drain(after);
  return outputs.sort((a, b) => a[0] - b[0] || JSON.stringify(a).localeCompare(JSON.stringify(b)));
}

test("sliced checkpoints of any subtasks restore at another parallelism, cut anywhere", async () => {
  await fc.assert(
    fc.asyncProperty(stepsArb, fc.nat(), fc.constantFrom(0, 4), async (steps, rawCut, lateness) => {
      const cut = rawCut % (steps.length + 1);
      const reference = await rescaled(steps, steps.length, 1, 1, lateness);
      assert.deepEqual(await rescaled(steps, cut, 2, 1, lateness), reference, "2 → 1");
      assert.deepEqual(await rescaled(steps, cut, 1, 2, lateness), reference, "1 → 2");
      assert.deepEqual(await rescaled(steps, cut, 2, 3, lateness), reference, "2 → 3");
    }),
    { numRuns: 150 },
  );
});

test("a firing emits keys in order of their first record in the window, or as gathered with anyKeyOrder (a global phase)", async () => {
  // b's first record (slice [2, 4)) comes before a's (slice [0, 2), out of order within the watermark's bound):
  // gathered slice by slice, a comes first; in order of first records, b.
  const order = async (anyKeyOrder: boolean) => {
    const h = await OperatorHarness.create<Ev, Out>((ctx) => new WindowOperator({ ...config(Aggregators.count<Ev>()), anyKeyOrder }, ctx as OperatorContext<Out>));
    h.processElement({ k: "b", ts: 3, v: 1 }, 3);
    h.processElement({ k: "a", ts: 1, v: 1 }, 1);
    h.processWatermark(9);
    return h.output.filter((o) => o.start === 0).map((o) => o.key);
  };
  assert.deepEqual(await order(false), ["b", "a"]);
  assert.deepEqual(await order(true), ["a", "b"]);
});
