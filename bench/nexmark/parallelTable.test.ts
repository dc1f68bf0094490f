import assert from "node:assert/strict";
import { test } from "node:test";
import { type ParallelRun, printParallelTable } from "./parallelTable.js";

const run = (parallelism: number, round: number, wallBig: number, waitBig?: number | null): ParallelRun => ({
  engine: "sluice-module",
  query: "q1",
  parallelism,
  round,
  events: 2_000_000,
  small: 400_000,
  wallSmall: wallBig / 5,
  wallBig,
  cpuSmall: wallBig / 5,
  cpuBig: wallBig,
  eventsPerSecond: 1_600_000 / ((wallBig * 4) / 5),
  eventsPerCpuSecond: 1_600_000 / ((wallBig * 4) / 5),
  peakRssMB: 100,
  ...(waitBig !== undefined ? { waitBig } : {}),
});

function printed(runs: ParallelRun[]): string {
  const lines: string[] = [];
  const log = console.log;
  console.log = (line: string) => lines.push(line);
  try {
    printParallelTable(runs, ["q1"], ["sluice-module"]);
  } finally {
    console.log = log;
  }
  return lines.join("\n");
}

test("the table says how many threads of the big job queued for a CPU per second of its wall time, p=1 / p=2", () => {
  const out = printed([run(1, 1, 0.4, 0.02), run(1, 2, 0.4, 0.06), run(2, 1, 0.3, 0.15), run(2, 2, 0.3, 0.09)]);
  assert.match(out, /queued for a CPU p=1 \/ p=2/);
  assert.match(out, /\| 0\.10 \/ 0\.40 \|$/m);
});

test("runs without the counter (Flink's side, or not Linux) show a dash", () => {
  const out = printed([run(1, 1, 0.4), run(2, 1, 0.3, null)]);
  assert.match(out, /\| – \/ – \|$/m);
});
