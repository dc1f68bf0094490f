/** The harness's rejection of rounds whose marginal rate is noise (plausible.ts), on rounds of real runs. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { lastJsonLine } from "../table.js";
import { implausible, type Timing } from "./plausible.js";

const round = (cpuSmall: number, cpuBig: number, wallSmall = 0.1, wallBig = 0.4) => ({ events: 1_000_000, small: 200_000, cpuSmall, cpuBig, wallSmall, wallBig });

test("a round whose small job took more CPU than the big one is rejected (Flink DS q2, session 7: -40M ev/CPU-s)", () => {
  assert.match(implausible(round(0.37, 0.35, 0.2631, 0.3135)) ?? "", /CPU time .* not below/);
});

test("a round whose marginal CPU rate is far above the big job's own average is rejected (Flink DS q1, session 7: 11.4M against 5–6M)", () => {
  assert.match(implausible(round(0.32, 0.39, 0.2427, 0.346)) ?? "", /marginal CPU rate 4\.5× .* noise/);
});

test("CPU and wall time are judged apart: a noisy wall interval rejects the wall rate, not the CPU one", () => {
  const r = round(0.1, 0.4, 0.5, 0.4);
  assert.match(implausible(r) ?? "", /wall time/);
  assert.match(implausible(r, "wall") ?? "", /wall time/);
  assert.equal(implausible(r, "CPU"), undefined);
  // Flink DS q2, session 8 round 1 (load 23): wall 1.270 s vs 1.724 s, CPU fine.
  const q2 = { events: 2_000_000, small: 400_000, cpuSmall: 0.45, cpuBig: 0.67, wallSmall: 1.2705, wallBig: 1.7238 };
  assert.match(implausible(q2, "wall") ?? "", /marginal wall rate 3\.0×/);
  assert.equal(implausible(q2, "CPU"), undefined);
});

test("ordinary rounds pass: a large fixed cost per job (Flink's deployment) and a small one (Sluice)", () => {
  assert.equal(implausible(round(0.24, 0.41, 0.202, 0.3603)), undefined); // Flink DS q0, session 7 round 2
  assert.equal(implausible(round(0.055, 0.27, 0.06, 0.3)), undefined);
});

test("a run whose small job is not smaller is rejected", () => {
  assert.match(implausible({ ...round(0.1, 0.4), small: 1_000_000 }) ?? "", /not above small/);
});

test("the table's median of an even count of rounds is the mean of the middle two, not the upper one", async () => {
  const { median } = await import("../table.js");
  assert.equal(median([4.71e6, 6.67e6]), 5.69e6);
  assert.equal(median([3, 1, 2]), 2);
  assert.ok(Number.isNaN(median([])));
});

test("a Flink run whose CPU interval read 0 (10 ms clock) prints Infinity: its line still parses, as null, and the round is rejected", () => {
  // Measure.java's line from a 200k-event q0 run at load 24 (session 9); `%.0f` of a division by 0 is "Infinity", which is not JSON.
  const output = `log line\n{"engine":"flink-datastream","query":"q0","parallelism":1,"events":200000,"small":40000,"warmup":100000,"wallSmall":1.1067,"wallBig":0.8416,"cpuSmall":0.1900,"cpuBig":0.1900,"seconds":-0.2651,"cpuSeconds":0.0000,"eventsPerSecond":-603536,"eventsPerCpuSecond":Infinity,"outputs":184000,"checksum":1318489688498,"heapAfterGcMB":23.1,"heapLimitMB":2048,"peakRssMB":286.5}\n`;
  const r = lastJsonLine<Timing & { eventsPerCpuSecond: number | null; checksum: number }>(output);
  assert.equal(r.eventsPerCpuSecond, null);
  assert.equal(r.checksum, 1318489688498);
  assert.match(implausible(r, "CPU") ?? "", /not below/);
});
