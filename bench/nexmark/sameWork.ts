/**
 * Does the same plan cost more on worker threads than on one thread (issue 20: module q5's generator and window cost
 * 15–25 % more per event at p=2 than at p=1)? Runs one Nexmark module query in several shapes in ONE process,
 * alternated block by block, and prints per shape the median CPU per event of the threads that run the job's
 * subtasks (the main thread without workers, the pool's workers with them), of the main thread beside workers, and
 * of the whole process, and the wall time per event. A shape is `P/W/B`: parallelism P on W worker threads (0: no placement, every subtask on the
 * main thread — SQL's 'sluice.parallel.workers' = 'false'), batch size B, and optionally channel capacity C
 * (records; default B, a remote channel at least 8192). So `1/0/1024` against `1/0/512` is the
 * batch-size question, `1/0/1024` against `1/1/1024` the isolate question, `2/0/1024` against `2/2/1024` the plan
 * against the threads.
 *
 * Usage: node --expose-gc dist/bench/nexmark/sameWork.js <q5> <blocks> <events> <shape>…
 */
import { readdirSync, readFileSync } from "node:fs";
import os from "node:os";
import { StreamEnvironment } from "../../engine/src/index.js";
import { loadExport, workerPlacement } from "../../engine/src/runtime/workers/workerPlacement.js";

const [query = "q5", blocks = "6", n = "1000000", ...specs] = process.argv.slice(2);
if (specs.length === 0) throw new Error("usage: sameWork.js <query> <blocks> <events> <P/W/B>…");
const events = Number(n);

interface Shape {
  readonly spec: string;
  readonly p: number;
  readonly workers: number;
  readonly batchSize: number;
  readonly channelCapacity: number | undefined;
}
const shapes: Shape[] = specs.map((spec) => {
  const [p, workers, batchSize, channelCapacity] = spec.split("/").map(Number);
  if (p === undefined || workers === undefined || batchSize === undefined || [p, workers, batchSize, channelCapacity ?? 0].some(Number.isNaN)) throw new Error(`shape '${spec}' is not P/W/B[/C]`);
  return { spec, p, workers, batchSize, channelCapacity };
});

const declare = { module: new URL("./nexmarkJob.js", import.meta.url).href, name: "declareNexmark" };
const codec = { module: new URL("../../engine/src/exchange/columnar/index.js", import.meta.url).href, name: "columnarCodec" };
const declareJob = await loadExport<(env: unknown, args: unknown) => unknown>(declare);

async function run(shape: Shape, count: number): Promise<void> {
  const args = { query, count, eventsPerSecond: 10000, check: false };
  const environment = { parallelism: shape.p, batchSize: shape.batchSize, ...(shape.channelCapacity !== undefined ? { channelCapacity: shape.channelCapacity } : {}) };
  const env = StreamEnvironment.create(environment);
  await declareJob(env, args);
  const placement = shape.workers === 0 ? undefined : await workerPlacement({ recipe: { declare, args, environment }, codec, workers: shape.workers });
  await env.execute(`nexmark ${query}`, placement === undefined ? {} : { placement }).wait();
}

/** CPU nanoseconds so far of every live thread by id (one that ended between listing and reading is left out). */
function threadNs(): Map<string, number> {
  const out = new Map<string, number>();
  for (const tid of readdirSync("/proc/self/task")) {
    try {
      out.set(tid, Number(readFileSync(`/proc/self/task/${tid}/schedstat`, "utf8").split(" ")[0]));
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== "ENOENT" && code !== "ESRCH") throw error;
    }
  }
  return out;
}

/** Voluntary (the thread waited) and involuntary (it was preempted) context switches so far of thread `tid`. */
function switches(tid: string): [number, number] {
  try {
    const status = readFileSync(`/proc/self/task/${tid}/status`, "utf8");
    const field = (name: string) => Number(new RegExp(`${name}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
    return [field("voluntary_ctxt_switches"), field("nonvoluntary_ctxt_switches")];
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== "ENOENT" && code !== "ESRCH") throw error;
    return [0, 0];
  }
}

/** Context switches of the threads in `tids`, summed. */
function switchesOf(tids: readonly string[]): [number, number] {
  return tids.map(switches).reduce(([v, n], [a, b]) => [v + a, n + b], [0, 0]);
}

// V8's platform threads exist before any job; the pool's workers are the threads started after.
const startThreads = new Set(threadNs().keys());
const main = String(process.pid);
const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) * 1000;
};

for (const shape of shapes) for (let w = 0; w < 4; w++) await run(shape, w === 0 ? 300_000 : events / 2);
const work: number[][] = shapes.map(() => []);
const mainBeside: number[][] = shapes.map(() => []);
const whole: number[][] = shapes.map(() => []);
const wall: number[][] = shapes.map(() => []);
/** Per 1,000 events: the subtask threads' voluntary and involuntary context switches. */
const waits: number[][] = shapes.map(() => []);
const preempted: number[][] = shapes.map(() => []);
const loads: number[] = [];
/** SAMEWORK_MARKS=1: each timed job's CLOCK_MONOTONIC start and end (ns), to cut a `perf record -k CLOCK_MONOTONIC` profile by shape. */
const marks = process.env.SAMEWORK_MARKS === "1";
if (marks) console.log(`MARK timed ${process.hrtime.bigint()}`);
for (let b = 0; b < Number(blocks); b++) {
  const order = shapes.map((_, i) => i);
  if (b % 2 === 1) order.reverse();
  for (const i of order) {
    const start = process.hrtime.bigint();
    const subtaskThreads = () => (shapes[i]!.workers === 0 ? [main] : [...threadNs().keys()].filter((tid) => !startThreads.has(tid)));
    const s0 = switchesOf(subtaskThreads());
    const [t0, c0, w0] = [threadNs(), cpu(), performance.now()];
    await run(shapes[i]!, events);
    const [t1, c1, w1] = [threadNs(), cpu(), performance.now()];
    if (marks) console.log(`MARK ${shapes[i]!.spec} ${start} ${process.hrtime.bigint()}`);
    const s1 = switchesOf(subtaskThreads());
    waits[i]!.push(((s1[0] - s0[0]) * 1000) / events);
    preempted[i]!.push(((s1[1] - s0[1]) * 1000) / events);
    const delta = (tid: string) => (t1.get(tid) ?? 0) - (t0.get(tid) ?? 0);
    const workers = [...t1.keys()].filter((tid) => !startThreads.has(tid) && delta(tid) > 1e6).reduce((s, tid) => s + delta(tid), 0);
    const onMain = delta(main);
    work[i]!.push((shapes[i]!.workers === 0 ? onMain : workers) / events);
    mainBeside[i]!.push((shapes[i]!.workers === 0 ? 0 : onMain) / events);
    whole[i]!.push((c1 - c0) / events);
    wall[i]!.push(((w1 - w0) * 1e6) / events);
  }
  loads.push(os.loadavg()[0]!);
}
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const range = (xs: number[]) => `${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)}`;
for (const [i, shape] of shapes.entries()) {
  console.log(
    `${query} ${shape.spec}: subtask threads ${median(work[i]!).toFixed(0)} ns/event (${range(work[i]!)}), main beside ${median(mainBeside[i]!).toFixed(0)}, process ${median(whole[i]!).toFixed(0)} (${range(whole[i]!)}), wall ${median(wall[i]!).toFixed(0)} (${range(wall[i]!)}); per 1,000 events the subtask threads waited ${median(waits[i]!).toFixed(2)}, were preempted ${median(preempted[i]!).toFixed(2)} times`,
  );
}
console.log(`load ${range(loads.map((l) => l * 10)).replace(/(\d+)/g, (d) => (Number(d) / 10).toFixed(1))}`);
process.exit(0);
