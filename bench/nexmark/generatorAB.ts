/**
 * Before/after of a Nexmark generator change in ONE process: imports `NexmarkGenerator` from two builds
 * (each a worktree or `git archive` checkout with its own `dist/`), warms both up, then alternates blocks
 * of 500,000 events between them and prints the median CPU nanoseconds per event of each and the speed
 * ratio. Both sides see the same machine load within seconds, so on a shared machine this resolves a
 * few percent where alternating processes (perRecordAB.sh) need many rounds.
 *
 * Usage: node dist/bench/nexmark/generatorAB.js BASE NEW [blocks=20]
 */
import os from "node:os";
import type { NexmarkEvent } from "../../engine/src/connectors/nexmark/index.js";

type Generator = { event(n: number): NexmarkEvent };
const [base, next, blocks = "20"] = process.argv.slice(2);
if (base === undefined || next === undefined) throw new Error("usage: generatorAB.js BASE NEW [blocks]");

async function load(root: string): Promise<Generator> {
  const m = (await import(`${root}/dist/engine/src/connectors/nexmark/NexmarkGenerator.js`)) as { NexmarkGenerator: new () => Generator };
  return new m.NexmarkGenerator();
}
const sides = [await load(base), await load(next)];
const BLOCK = 500_000;
let sink = 0;
/** One copy of the loop per side, so neither side's call site sees the other's classes. */
const loops = sides.map(
  () => new Function("g", "from", "n", "let s = 0; for (let i = from; i < from + n; i++) s += g.event(i).dateTime % 7; return s;") as (g: Generator, from: number, n: number) => number,
);
const cpu = () => {
  const u = process.cpuUsage();
  return u.user + u.system;
};
for (const [i, g] of sides.entries()) sink += loops[i]!(g, 0, 1_000_000);
const ns: number[][] = [[], []];
for (let b = 0; b < Number(blocks); b++) {
  // Alternate which side goes first, so neither always runs right after a GC of the other's garbage.
  for (const i of b % 2 === 0 ? [0, 1] : [1, 0]) {
    const c0 = cpu();
    sink += loops[i]!(sides[i]!, 1_000_000 + b * BLOCK, BLOCK);
    ns[i]!.push(((cpu() - c0) * 1000) / BLOCK);
  }
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
const [a, b] = [median(ns[0]!), median(ns[1]!)];
console.log(
  `base ${a.toFixed(1)} ns/event (min ${Math.min(...ns[0]!).toFixed(1)}), new ${b.toFixed(1)} ns/event (min ${Math.min(...ns[1]!).toFixed(1)}), speed new/base ${(a / b).toFixed(3)}, load ${os.loadavg()[0]!.toFixed(1)}, sink ${sink % 1000}`,
);
