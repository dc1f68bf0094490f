/**
 * The timing every in-process Sluice bench shares with its Flink twin (Measure.java, FlinkCepBench.java):
 * `warmupJobs` warm-up jobs sharing `warmup` events (untimed), then a job of `small` events and one of
 * `events` events in the same process; the rate is the marginal one, (events - small) / (t(events) -
 * t(small)), in wall time and in process CPU time (all threads), so building and starting a job and its
 * final flush drop out. Several warm-up jobs because V8 (and the JVM's JIT) keep optimising for a few jobs
 * after the first (RESULTS.md, "Session 13: parmod" §1): a small job still carrying that tail is
 * subtracted from the big one and the marginal rate comes out too high. Each warm-up job's CPU ns/event
 * is reported, so a reader sees when each side settled. On Linux each timed job's run-queue wait is
 * reported too (threadTime.ts): how much of its wall time the machine's other work took.
 */
import { threadTimes, timeBetween } from "./threadTime.js";

/** What `measureMarginal` measured: each timed job's wall and CPU seconds, their differences and the marginal rates. */
export interface Marginal {
  wallSmall: number;
  wallBig: number;
  cpuSmall: number;
  cpuBig: number;
  seconds: number;
  cpuSeconds: number;
  eventsPerSecond: number;
  eventsPerCpuSecond: number;
  warmupJobs: number;
  /** Process CPU ns per event of each warm-up job, in order (null for a job of no events). */
  warmupCpuNsPerEvent: (number | null)[];
  /** The same for the timed small job: compare it with the warm-up jobs' to see the JIT tail it still carries. */
  smallCpuNsPerEvent: number | null;
  /**
   * Seconds the process's threads were runnable but waiting for a CPU during the small and the big job,
   * summed over threads (null off Linux). Over the big job's wall time: how many threads on average
   * queued for a core, which at p=2 on two cores is wall time lost to the machine's other work.
   */
  waitSmall: number | null;
  waitBig: number | null;
}

/** The i-th of `jobs` warm-up jobs' share of `warmup` events: even, the last takes the remainder. */
export function warmupShare(warmup: number, jobs: number, i: number): number {
  const each = Math.floor(warmup / jobs);
  return i === jobs - 1 ? warmup - each * i : each;
}

const nsPerEvent = (cpuSeconds: number, count: number) => (count === 0 ? null : Math.round((cpuSeconds * 1e10) / count) / 10);

/** Process CPU time (user + system, every thread) in seconds. */
function cpu(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

/** Which warm-up job samples the heap: the second to last (the only one of one). */
export const heapSampleJob = (warmupJobs: number): number => Math.max(0, warmupJobs - 2);

/**
 * Runs `warmupJobs` (default 1) untimed jobs sharing `warmup` events, then times `run(small, false)` and
 * `run(events, false)`. `run` runs one job of `count` events to its end; `warmingUp` is true for one warm-up
 * job, the second to last (`heapSampleJob`), so a bench samples what it samples (the heap) once, untimed, after
 * the JIT has had the jobs before it, and then runs one more: V8's forced full collection (`gc()`) throws
 * away optimised code, and the timed small job right after it paid for compiling it again (nexmark q5 at
 * p=1: ~30 ms of the small job's CPU, which made the marginal rate too high; RESULTS.md "Session 21").
 */
export async function measureMarginal(
  run: (count: number, warmingUp: boolean) => Promise<void>,
  counts: { readonly warmup: number; readonly small: number; readonly events: number; readonly warmupJobs?: number },
): Promise<Marginal> {
  const { warmup, small, events } = counts;
  const warmupJobs = counts.warmupJobs ?? 1;
  if (!Number.isInteger(warmupJobs) || warmupJobs < 1) throw new Error(`warm-up jobs must be a whole number of at least 1, not ${warmupJobs}`);
  const warmupCpuNsPerEvent: (number | null)[] = [];
  for (let i = 0; i < warmupJobs; i++) {
    const count = warmupShare(warmup, warmupJobs, i);
    const c = cpu();
    await run(count, i === heapSampleJob(warmupJobs));
    warmupCpuNsPerEvent.push(nsPerEvent(cpu() - c, count));
  }
  const t0 = threadTimes();
  const w0 = performance.now();
  const c0 = cpu();
  await run(small, false);
  const w1 = performance.now();
  const c1 = cpu();
  const t1 = threadTimes();
  await run(events, false);
  const w2 = performance.now();
  const c2 = cpu();
  const t2 = threadTimes();
  const wait = (a: typeof t0, b: typeof t0) => (a === undefined || b === undefined ? null : timeBetween(a, b).waitSeconds);
  const [wallSmall, wallBig, cpuSmall, cpuBig] = [(w1 - w0) / 1000, (w2 - w1) / 1000, c1 - c0, c2 - c1];
  const seconds = wallBig - wallSmall;
  const cpuSeconds = cpuBig - cpuSmall;
  return {
    wallSmall,
    wallBig,
    cpuSmall,
    cpuBig,
    seconds,
    cpuSeconds,
    eventsPerSecond: Math.round((events - small) / seconds),
    eventsPerCpuSecond: Math.round((events - small) / cpuSeconds),
    warmupJobs,
    warmupCpuNsPerEvent,
    smallCpuNsPerEvent: nsPerEvent(cpuSmall, small),
    waitSmall: wait(t0, t1),
    waitBig: wait(t1, t2),
  };
}
