import { test } from "node:test";
import assert from "node:assert/strict";
import { StreamEnvironment } from "../api/StreamEnvironment.js";
import { sinks } from "../sinks/sinks.js";
import { Aggregators } from "../windows/AggregateFunction.js";
import { TumblingEventTimeWindows } from "../windows/WindowAssigner.js";
import { WatermarkStrategy } from "../time/WatermarkStrategy.js";

const DISPLAY = Symbol.for("Jupyter.display");

function twoWindowsJob() {
  const env = StreamEnvironment.create();
  const events = env.fromArray([1, 2, 3, 4, 5, 6].map((n) => ({ k: n % 2 ? "odd" : "even", ts: n * 1000 })));
  const timed = events.assignTimestampsAndWatermarks(WatermarkStrategy.forMonotonousTimestamps<{ k: string; ts: number }>().withTimestampAssigner((e) => e.ts));
  const a = timed
    .keyBy((e) => e.k)
    .window(TumblingEventTimeWindows.of(2000))
    .aggregate(Aggregators.count());
  const b = timed
    .keyBy((e) => e.k)
    .window(TumblingEventTimeWindows.of(4000))
    .aggregate(Aggregators.count());
  a.sinkTo(sinks.collect());
  b.sinkTo(sinks.collect());
  return env.execute("two windows");
}

test("operators have unique names in a job (the 2nd of a name gets #2); uids keep the declared name", async () => {
  const job = twoWindowsJob();
  await job.wait();
  const ops = job.metrics().operators;
  const names = ops.map((o) => o.name);
  assert.equal(new Set(names).size, names.length, names.join(", "));
  const windows = ops.filter((o) => o.name.startsWith("window."));
  assert.equal(windows.length, 2);
  assert.equal(windows[1]!.name, `${windows[0]!.name}#2`);
  // Restore matches by uid, which did not change: existing checkpoints still restore.
  for (const o of windows) assert.equal(o.uid, `${windows[0]!.name}-${o.id}`);
});

test("job.metrics() is a typed value that a notebook shows as a table", async () => {
  const job = twoWindowsJob();
  await job.wait();
  const m = job.metrics();
  assert.deepEqual(Object.keys(m), ["jobName", "status", "startedAt", "endedAt", "watermark", "deadLetters", "checkpoints", "operators", "watermarkHold", "restarts"]);
  assert.equal(JSON.parse(JSON.stringify(m)).jobName, "two windows");
  const bundle = (m as unknown as Record<symbol, () => Record<string, string>>)[DISPLAY]!();
  const text = bundle["text/plain"]!;
  const lines = text.split("\n");
  assert.match(lines[0]!, /^job "two windows" · finished · watermark end/);
  assert.match(lines[1]!, /^operator\s+kind\s+parallelism\s+records in\s+records out\s+watermark/);
  assert.equal(lines.length, 2 + m.operators.length);
  for (const o of m.operators)
    assert.ok(
      lines.some((l) => l.startsWith(o.name + " ")),
      `${o.name} in\n${text}`,
    );
  assert.match(bundle["text/html"]!, /<table>.*<th[^>]*>operator<\/th>.*window\.[a-z]+#2/s);
});
