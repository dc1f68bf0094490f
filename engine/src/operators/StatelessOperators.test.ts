import assert from "node:assert/strict";
import { test } from "node:test";
import { DEAD_LETTERS } from "../api/OutputTag.js";
import { OperatorHarness } from "../testing/OperatorHarness.js";
import type { DeadLetter, OperatorFactory } from "./Operator.js";
import { FilterOperator, MapOperator } from "./StatelessOperators.js";

/** filter fills arrays sized for the whole batch and cuts them to what it kept: no holes may leak out. */
test("filter passes on exactly the kept records with their timestamps, also around a failing record", async () => {
  const h = await OperatorHarness.create<number, number>(
    (ctx) =>
      new FilterOperator<number>((x) => {
        if (x === 5) throw new Error("five");
        return x % 2 === 1;
      }, ctx),
    { errorPolicy: "dead-letter" },
  );
  const values = [1, 2, 3, 4, 5, 6, 7, 8];
  await h.processElements(
    values,
    values.map((x) => x * 10),
  );
  assert.deepEqual(h.output, [1, 3, 7]);
  assert.deepEqual(h.outputTimestamps, [10, 30, 70]);
  assert.deepEqual(
    h.sideOutput<DeadLetter>(DEAD_LETTERS).map((d) => d.record),
    [5],
  );
});

test("filter keeps a whole batch as it is and an empty one as nothing", async () => {
  let emitted: (readonly unknown[])[] = [];
  const h = await OperatorHarness.create<number, number>((ctx) => {
    const emitBatch = ctx.output.emitBatch.bind(ctx.output);
    ctx.output.emitBatch = (v, t) => {
      emitted.push(v);
      emitBatch(v, t);
    };
    return new FilterOperator<number>((x) => x > 0, ctx);
  });
  const all = [1, 2, 3];
  await h.processElements(all, [1, 2, 3]);
  assert.equal(emitted[0], all, "a batch that passes whole goes on uncopied");
  emitted = [];
  await h.processElements([-1, -2], [1, 2]);
  assert.deepEqual(emitted, [[]]);
  assert.deepEqual(h.output, [1, 2, 3]);
});

/** map's loop resumes after a failing record: the first, a middle and the last one fail here. */
test("map passes on every other record with its timestamp, around failing ones at both ends and in the middle", async () => {
  const h = await OperatorHarness.create<number, string>(
    (ctx) =>
      new MapOperator<number, string>((x) => {
        if (x === 1 || x === 4 || x === 8) throw new Error(`bad ${x}`);
        return `v${x}`;
      }, ctx),
    { errorPolicy: "dead-letter" },
  );
  const values = [1, 2, 3, 4, 5, 6, 7, 8];
  await h.processElements(
    values,
    values.map((x) => x * 10),
  );
  assert.deepEqual(h.output, ["v2", "v3", "v5", "v6", "v7"]);
  assert.deepEqual(h.outputTimestamps, [20, 30, 50, 60, 70]);
  assert.deepEqual(
    h.sideOutput<DeadLetter>(DEAD_LETTERS).map((d) => d.record),
    [1, 4, 8],
  );
});

test("map's failing record throws out of the batch under the fail policy", async () => {
  const h = await OperatorHarness.create<number, number>(
    (ctx) =>
      new MapOperator<number, number>((x) => {
        if (x === 2) throw new Error("two");
        return x;
      }, ctx),
  );
  assert.throws(() => h.processElements([1, 2, 3], [1, 2, 3]), /two/);
});

/**
 * Each map and filter runs a compiled loop of its user function, so V8's call feedback for that function
 * is per operator: with one shared loop, two filters in a job made the call megamorphic and neither
 * predicate was inlined (recordLoops.ts). The same function (a job declared again) gets the same loop.
 */
test("map and filter loop over their batches with a loop per user function", async () => {
  const positive = (x: number) => x > 0;
  const factories: OperatorFactory[] = [
    (ctx) => new FilterOperator<number>(positive, ctx),
    (ctx) => new FilterOperator<number>((x) => x < 0, ctx),
    (ctx) => new MapOperator<number, number>((x) => x + 1, ctx),
    (ctx) => new MapOperator<number, number>((x) => x - 1, ctx),
    (ctx) => new FilterOperator<number>(positive, ctx),
  ];
  const loops: unknown[] = [];
  for (const make of factories) {
    const h = await OperatorHarness.create<number, number>(make);
    loops.push((h.operator as unknown as { loop: unknown }).loop);
  }
  assert.ok(loops.every((l) => typeof l === "function"));
  assert.equal(new Set(loops.slice(0, 4)).size, 4, "one loop per user function");
  assert.equal(loops[4], loops[0], "the same function, the same loop");
});
