/**
 * The timing every in-process Sluice bench shares with its Flink twin (Measure.java, FlinkCepBench.java):
 * a warm-up job (untimed), then a job of `small` events and one of `events` events in the same process;
 * the rate is the marginal one, (events - small) / (t(events) - t(small)), in wall time and in process
 * CPU time (all threads), so building and starting a job and its final flush drop out.
 */

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
}

/** Process CPU time (user + system, every thread) in seconds. */
function cpu(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

/**
 * Runs `run(warmup, true)`, then times `run(small, false)` and `run(events, false)`. `run` runs one job
 * of `count` events to its end; `warmingUp` lets a bench sample what it samples (the heap) in the
 * untimed job only.
 */
export async function measureMarginal(
  run: (count: number, warmingUp: boolean) => Promise<void>,
  counts: { readonly warmup: number; readonly small: number; readonly events: number },
): Promise<Marginal> {
  const { warmup, small, events } = counts;
  await run(warmup, true);
  const w0 = performance.now();
  const c0 = cpu();
  await run(small, false);
  const w1 = performance.now();
  const c1 = cpu();
  await run(events, false);
  const w2 = performance.now();
  const c2 = cpu();
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
  };
}
