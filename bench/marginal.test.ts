import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { test } from "node:test";
import { measureMarginal, warmupShare } from "./marginal.js";

test("the warm-up events split over the warm-up jobs; the second to last is told it samples the heap, then small and big", async () => {
  const calls: [number, boolean][] = [];
  const m = await measureMarginal(
    async (count, warmingUp) => {
      calls.push([count, warmingUp]);
    },
    { warmup: 1000, small: 20, events: 100, warmupJobs: 3 },
  );
  assert.deepEqual(calls, [
    [333, false],
    [333, true],
    [334, false],
    [20, false],
    [100, false],
  ]);
  assert.equal(m.warmupJobs, 3);
  assert.equal(m.warmupCpuNsPerEvent.length, 3);
  assert.ok(m.warmupCpuNsPerEvent.every((x) => x !== null && Number.isFinite(x)));
  assert.ok(m.smallCpuNsPerEvent !== null && Number.isFinite(m.smallCpuNsPerEvent));
  // The timed jobs' run-queue wait: seconds on Linux, null where there is no /proc.
  for (const wait of [m.waitSmall, m.waitBig]) {
    if (existsSync("/proc/self/task")) assert.ok(typeof wait === "number" && wait >= 0, `wait ${wait}`);
    else assert.equal(wait, null);
  }
});

test("by default one warm-up job of all the warm-up events, as before; a warm-up of 0 events reports no rate", async () => {
  const calls: [number, boolean][] = [];
  const m = await measureMarginal(
    async (count, warmingUp) => {
      calls.push([count, warmingUp]);
    },
    { warmup: 0, small: 0, events: 10 },
  );
  assert.deepEqual(calls, [
    [0, true],
    [0, false],
    [10, false],
  ]);
  assert.deepEqual(m.warmupCpuNsPerEvent, [null]);
  assert.equal(m.smallCpuNsPerEvent, null);
});

test("warm-up shares add up to the warm-up events", () => {
  for (const [warmup, jobs] of [
    [500_000, 4],
    [7, 3],
    [2, 5],
  ] as const) {
    let sum = 0;
    for (let i = 0; i < jobs; i++) sum += warmupShare(warmup, jobs, i);
    assert.equal(sum, warmup);
  }
});

test("a warm-up job count below 1 is refused", async () => {
  await assert.rejects(
    measureMarginal(async () => {}, { warmup: 10, small: 1, events: 2, warmupJobs: 0 }),
    /at least 1, not 0/,
  );
});
