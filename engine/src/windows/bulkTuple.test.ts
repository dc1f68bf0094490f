import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { test } from "node:test";
import { bulkRowSource, tuple4 } from "./bulkTuple.js";

test("tuple4 and bulkRowSource make the arrays a literal would, holey", () => {
  const t = tuple4(1, "b", null, { c: 3 });
  assert.deepEqual([...t], [1, "b", null, { c: 3 }]);
  const row = new Function(`return (x) => ${bulkRowSource(["x + 1", "'s'", "x * 2"])}`)() as (x: number) => unknown[];
  assert.deepEqual([...row(2)], [3, "s", 4]);
});

// `%PretenureAllocationSite(o)` (a V8 test intrinsic) says whether `o` carries the allocation memento V8
// pretenures a site through (bulkTuple.ts says why that matters). With array literals thousands of these
// 40,000 partials and rows did: counts per key in 2 s slices of 10 s HOP windows as SQL q5's, times in epoch ms.
test("the partials a local window phase sends and SQL's window rows carry no allocation site V8 could pretenure", () => {
  const at = (path: string) => JSON.stringify(new URL(path, import.meta.url).href);
  const script = `
    import { OperatorHarness } from ${at("../testing/OperatorHarness.js")};
    import { SlidingEventTimeWindows } from ${at("./WindowAssigner.js")};
    import { LocalWindowAggregateOperator } from ${at("../operators/LocalWindowAggregate.js")};
    import { outputRow } from ${at("../sql/windowAggregate.js")};
    const count = { createAccumulator: () => 0, add: (r, acc) => acc + 1, getResult: (acc) => acc, merge: (a, b) => a + b };
    const h = await OperatorHarness.create((ctx) => new LocalWindowAggregateOperator(SlidingEventTimeWindows.of(10_000, 2_000), (r) => r[0], count, ctx, 2_000));
    const base = 1_700_000_000_000;
    let partials = 0, partialMementos = 0;
    for (let w = 0; w < 40; w++) {
      h.processElements(Array.from({ length: 1000 }, (_, k) => [1000 + k]), Array.from({ length: 1000 }, (_, k) => base + w * 2_000 + k));
      h.processWatermark(base + w * 2_000 + 1_999);
      // Looked at as they come: a scavenge moves an object without its memento.
      partials += h.output.length;
      partialMementos += h.output.filter((p) => %PretenureAllocationSite(p)).length;
      h.output.length = 0;
    }
    const build = outputRow([0, 1, 2, 3], [-1, -2, 0], 1, { eventTime: true, keyIsWindowKey: true, scalar: true }, () => 0);
    let rowMementos = 0;
    const kept = [];
    for (let i = 0; i < 40000; i++) {
      const row = build(1000 + (i % 1000), { start: base + i, end: base + i + 10 }, i, { currentProcessingTime: () => 0 });
      kept.push(row);
      if (kept.length === 1000) kept.length = 0;
      if (%PretenureAllocationSite(row)) rowMementos++;
    }
    console.log(JSON.stringify({ partials, partialMementos, rowMementos }));
  `;
  const out = execFileSync(process.execPath, ["--allow-natives-syntax", "--input-type=module", "-e", script], { encoding: "utf8" });
  const { partials, partialMementos = -1, rowMementos = -1 } = JSON.parse(out.trim().split("\n").at(-1) ?? "{}") as Record<string, number>;
  assert.equal(partials, 40000);
  // The first array of a site may carry one, made before the site learned its elements kind.
  assert.ok(partialMementos <= 1 && rowMementos <= 1, JSON.stringify({ partialMementos, rowMementos }));
});
