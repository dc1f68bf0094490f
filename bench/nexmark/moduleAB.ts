/**
 * Before/after of a change to the worker-thread path on the job-module Nexmark queries, in ONE process:
 * imports `executeModuleJob` and nexmarkJob.js from two `dist` directories (each its own module instances,
 * so its own worker pool and worker threads), warms both up, then alternates jobs of `events` events
 * between them and prints per side the median process CPU nanoseconds per event (every thread: the
 * other side's pool is idle meanwhile) and the ratio — what jobAB.ts does for one-thread jobs. Both sides
 * see the same machine load within a second, where parallelAB.sh's alternating processes and their
 * marginal rates (a small job's JIT tail subtracted from a big one) spread ±15 % at a load of 15.
 *
 * A side written `DIST:1` spreads the subtasks over that many worker threads (as `executeModuleJob` does,
 * with the placement's `workers`): `dist:1 dist` is p=2 on one worker against p=2 on two, the same plan
 * with and without records crossing threads.
 *
 * Usage: node --expose-gc dist/bench/nexmark/moduleAB.js OLD_DIST[:workers] NEW_DIST[:workers] [q5] [parallelism=2] [blocks=8] [events=1000000]
 */
import os from "node:os";
import { pathToFileURL } from "node:url";

const [oldDist, newDist, query = "q5", p = "2", blocks = "8", n = "1000000"] = process.argv.slice(2);
if (oldDist === undefined || newDist === undefined) throw new Error("usage: moduleAB.js OLD_DIST NEW_DIST [query] [parallelism] [blocks] [events]");
const events = Number(n);

type Engine = typeof import("../../engine/src/index.js");
type Placement = typeof import("../../engine/src/runtime/workers/workerPlacement.js");

async function side(spec: string): Promise<(count: number) => Promise<void>> {
  const [dist = spec, workers] = spec.split(":");
  const root = pathToFileURL(`${dist.replace(/\/$/, "")}/`);
  const { StreamEnvironment } = (await import(new URL("engine/src/index.js", root).href)) as Engine;
  const { loadExport, workerPlacement } = (await import(new URL("engine/src/runtime/workers/workerPlacement.js", root).href)) as Placement;
  const declare = { module: new URL("bench/nexmark/nexmarkJob.js", root).href, name: "declareNexmark" };
  const codec = { module: new URL("engine/src/exchange/columnar/index.js", root).href, name: "columnarCodec" };
  const environment = { parallelism: Number(p), batchSize: 1024 };
  const run = await loadExport<(env: unknown, args: unknown) => unknown>(declare);
  return async (count) => {
    const args = { query, count, eventsPerSecond: 10000, check: false };
    const env = StreamEnvironment.create(environment);
    await run(env, args);
    const placement = await workerPlacement({ recipe: { declare, args, environment }, codec, ...(workers !== undefined ? { workers: Number(workers) } : {}) });
    await env.execute(`nexmark ${query}`, { placement }).wait();
  };
}

const sides = [await side(oldDist), await side(newDist)];
const cpu = () => {
  const u = process.cpuUsage();
  return u.user + u.system;
};
// Warm-up: V8 keeps optimising for 3–4 jobs after the first (RESULTS.md "Session 13: parmod").
for (const run of sides) for (let w = 0; w < 4; w++) await run(w === 0 ? 300_000 : events / 2);
const ns: number[][] = [[], []];
for (let b = 0; b < Number(blocks); b++) {
  for (const i of b % 2 === 0 ? [0, 1] : [1, 0]) {
    const c0 = cpu();
    await sides[i]!(events);
    ns[i]!.push(((cpu() - c0) * 1000) / events);
  }
}
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const [a, b] = [median(ns[0]!), median(ns[1]!)];
const list = (xs: number[]) => xs.map((x) => x.toFixed(0)).join(" ");
console.log(
  `${query} p=${p}: old ${a.toFixed(0)} ns/event (${list(ns[0]!)}), new ${b.toFixed(0)} ns/event (${list(ns[1]!)}), speed new/old ${(a / b).toFixed(3)}, load ${os.loadavg()[0]!.toFixed(1)}`,
);
process.exit(0);
