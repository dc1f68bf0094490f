/**
 * Runs one Nexmark DataStream query as a module-defined TypeScript job (nexmarkJob.ts, through
 * `executeModuleJob` as `executeModule` does for a notebook's `.ts` file): at parallelism above 1 its
 * subtasks run on worker threads; at 1 on this thread, as any job. Timed as sluiceRun.ts (a warm-up
 * job, then jobs of `small` and `events` events in one process, the marginal rate for wall and process
 * CPU time, which counts every thread). Prints one JSON line; `outputs` is -1 for timed runs on workers
 * (their blackhole counts there). With `check` as 7th argument it runs one job of `events` events with
 * the sink on the main thread and prints its outputs and fingerprint (run.ts compares them with sluiceRun.ts's).
 * Usage: node --expose-gc dist/bench/nexmark/sluiceModuleRun.js <q0..q8> <parallelism> <events> <eventsPerSecond> <warmup> <small> [check]
 */
import { executeModuleJob } from "../../engine/src/runtime/workers/moduleJob.js";
import { workerStats } from "../../engine/src/runtime/workers/workerPlacement.js";
import type { NexmarkJobArgs, NexmarkJobResult } from "./nexmarkJob.js";

const [query = "q0", p = "1", n = "1000000", eps = "10000", w = "500000", s = "200000", mode = ""] = process.argv.slice(2);
const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error("run with node --expose-gc: the live heap is measured after a full GC");
const parallelism = Number(p);
const module = new URL("./nexmarkJob.js", import.meta.url);

async function job(count: number, check: boolean): Promise<NexmarkJobResult> {
  const args: NexmarkJobArgs = { query, count, eventsPerSecond: Number(eps), check };
  const { job, declared } = await executeModuleJob<NexmarkJobResult>(module, "declareNexmark", `nexmark ${query}`, {
    environment: { parallelism, batchSize: Number(process.env.SLUICE_BATCH_SIZE ?? 1024) },
    args,
  });
  await job.wait();
  return declared;
}

const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};
const [events, warmup, small] = [Number(n), Number(w), Number(s)];
if (mode === "check") {
  const r = await job(events, true);
  console.log(JSON.stringify({ engine: "sluice-module", query, parallelism, events, outputs: r.outputs, checksum: r.checksum, threads: workerStats().threads }));
} else {
  await job(warmup, false);
  gc();
  const heapAfterGcMB = process.memoryUsage().heapUsed / 2 ** 20;
  const w0 = performance.now(),
    c0 = cpu();
  await job(small, false);
  const w1 = performance.now(),
    c1 = cpu();
  const last = await job(events, false);
  const w2 = performance.now(),
    c2 = cpu();
  const [wallSmall, wallBig, cpuSmall, cpuBig] = [(w1 - w0) / 1000, (w2 - w1) / 1000, c1 - c0, c2 - c1];
  const seconds = wallBig - wallSmall;
  const cpuSeconds = cpuBig - cpuSmall;
  const { maxRSS } = process.resourceUsage();
  if (process.env.SLUICE_EDGES) console.error(JSON.stringify(workerStats().edges));
  console.log(
    JSON.stringify({
      engine: "sluice-module",
      query,
      parallelism,
      events,
      small,
      warmup,
      wallSmall,
      wallBig,
      cpuSmall,
      cpuBig,
      seconds,
      cpuSeconds,
      eventsPerSecond: Math.round((events - small) / seconds),
      eventsPerCpuSecond: Math.round((events - small) / cpuSeconds),
      outputs: parallelism > 1 ? -1 : last.outputs,
      checksum: parallelism > 1 ? 0 : last.checksum,
      heapAfterGcMB: +heapAfterGcMB.toFixed(1),
      peakRssMB: +(maxRSS / 1024).toFixed(1),
    }),
  );
}
