import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { test } from "node:test";
import { windowResult } from "./windowResult.js";

test("a window result is a plain object with the literal's keys, in order", () => {
  const r = windowResult("a", 0, 10, 3, 0, false);
  assert.equal(Object.getPrototypeOf(r), Object.prototype);
  assert.deepEqual(Object.keys(r), ["key", "start", "end", "value", "firing", "late"]);
  assert.deepEqual(r, { key: "a", start: 0, end: 10, value: 3, firing: 0, late: false });
});

// V8 can pretenure an object only through the allocation memento its allocation site leaves behind it;
// `%PretenureAllocationSite(o)` (a V8 test intrinsic) says whether `o` has one. An object literal leaves one
// on a share of its allocations (while its code is not yet optimised, ~5 % of 20,000 here), so a window
// that emitted its results as literals would show some; made by `new` none do (windowResult.ts says why
// that matters: nexmark q5's workers made every window count in the old generation).
test("the results aggregateWithWindow emits carry no allocation site V8 could pretenure", () => {
  const engine = new URL("../index.js", import.meta.url).href;
  const script = `
    import { StreamEnvironment, WatermarkStrategy, TumblingEventTimeWindows, Aggregators } from ${JSON.stringify(engine)};
    const events = Array.from({ length: 40000 }, (_, i) => i);
    let results = 0, withMemento = 0;
    const env = StreamEnvironment.create();
    env
      .fromArray(events)
      .assignTimestampsAndWatermarks(WatermarkStrategy.forMonotonousTimestamps().withTimestampAssigner((i) => i))
      .keyBy((i) => i % 1000)
      .window(TumblingEventTimeWindows.of(2))
      .aggregateWithWindow(Aggregators.count())
      .sinkTo({ name: "check", createWriter: () => ({ write(values) { for (const r of values) { results++; if (%PretenureAllocationSite(r)) withMemento++; } } }) });
    await env.execute("check").wait();
    console.log(JSON.stringify({ results, withMemento }));
  `;
  const out = execFileSync(process.execPath, ["--allow-natives-syntax", "--input-type=module", "-e", script], { encoding: "utf8" });
  const { results, withMemento } = JSON.parse(out.trim().split("\n").at(-1) ?? "{}") as { results: number; withMemento: number };
  assert.equal(results, 40000);
  assert.equal(withMemento, 0);
});
