/**
 * Processing-time window assigners (Flink's TumblingProcessingTimeWindows, SlidingProcessingTimeWindows,
 * ProcessingTimeSessionWindows with their ProcessingTimeTrigger) on a ManualClock: windows by the clock at
 * arrival, fired as the clock passes their end, and their contents and clock timers carried through a
 * savepoint into a restored job. (The tumbling case without a restore is in WindowOperator.test.ts.)
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { StreamEnvironment } from "../api/StreamEnvironment.js";
import { sinks } from "../sinks/sinks.js";
import { ManualClock } from "../testing/ManualClock.js";
import { TestSource } from "../testing/TestSource.js";
import type { WindowResult } from "../windows/WindowFunction.js";
import { ProcessingTimeSessionWindows, SlidingProcessingTimeWindows, type WindowAssigner } from "../windows/WindowAssigner.js";

const dir = mkdtempSync(join(tmpdir(), "sluice-proctime-windows-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const shown = (values: WindowResult<string, number>[]) => values.map((r) => `${r.key}[${r.start},${r.end})=${r.value}`).sort();

/** Counts per key in `assigner`'s windows over `src`, checkpointed into `directory`. */
function start(clock: ManualClock, src: TestSource<string>, assigner: WindowAssigner, directory: string, restoreFrom?: string) {
  const env = StreamEnvironment.create({ clock }).enableCheckpointing({ directory });
  const out = sinks.collect<WindowResult<string, number>>();
  env
    .fromSource(src)
    .uid("src")
    .keyBy((s) => s)
    .window(assigner)
    .count()
    .uid("windows")
    .sinkTo(out);
  return { job: env.execute("proctime", restoreFrom ? { restoreFrom } : {}), out };
}

test("sliding processing-time windows: open windows and their clock timers survive a savepoint and fire after the restore", async () => {
  const clock = new ManualClock(1000);
  const src = new TestSource<string>();
  const assigner = SlidingProcessingTimeWindows.of(200, 100);
  const first = start(clock, src, assigner, join(dir, "sliding"));
  src.push("a", "a", "b"); // at 1000: windows [900,1100) and [1000,1200)
  await first.job.whenIdle();
  clock.advance(50);
  src.push("a"); // at 1050
  await first.job.whenIdle();
  await first.job.savepoint("sliding");
  await first.job.cancel();
  assert.deepEqual(first.out.values, [], "no window ended before the savepoint");

  const second = start(clock, src, assigner, join(dir, "sliding"), "sliding");
  await second.job.whenIdle();
  clock.advance(50); // 1100: [900,1100) fires from restored state
  await second.job.whenIdle();
  assert.deepEqual(shown(second.out.values), ["a[900,1100)=3", "b[900,1100)=1"]);
  src.push("b"); // at 1100: [1000,1200) and [1100,1300)
  await second.job.whenIdle();
  clock.advance(100); // 1200
  await second.job.whenIdle();
  assert.deepEqual(shown(second.out.values), ["a[1000,1200)=3", "a[900,1100)=3", "b[1000,1200)=2", "b[900,1100)=1"]);
  await second.job.cancel();
});

test("processing-time sessions merge by the clock and close gap after the last arrival, across a restore", async () => {
  const clock = new ManualClock(0);
  const src = new TestSource<string>();
  const assigner = ProcessingTimeSessionWindows.withGap(100);
  const first = start(clock, src, assigner, join(dir, "session"));
  src.push("a"); // [0,100)
  await first.job.whenIdle();
  clock.advance(60);
  src.push("a", "b"); // a: merged [0,160); b: [60,160)
  await first.job.whenIdle();
  await first.job.savepoint("session");
  await first.job.cancel();

  const second = start(clock, src, assigner, join(dir, "session"), "session");
  await second.job.whenIdle();
  clock.advance(60); // 120
  src.push("a"); // a: merged [0,220)
  await second.job.whenIdle();
  clock.advance(40); // 160: b's session closes, a's is still open
  await second.job.whenIdle();
  assert.deepEqual(shown(second.out.values), ["b[60,160)=1"]);
  clock.advance(60); // 220
  await second.job.whenIdle();
  assert.deepEqual(shown(second.out.values), ["a[0,220)=3", "b[60,160)=1"]);
  await second.job.cancel();
});
