/**
 * Runs one Nexmark DataStream query as a module-defined TypeScript job (nexmarkJob.ts, through
 * `executeModuleJob` as `executeModule` does for a notebook's `.ts` file): at parallelism above 1 its
 * subtasks run on worker threads; at 1 on this thread, as any job. Timed as sluiceRun.ts (a warm-up
 * job, then jobs of `small` and `events` events in one process, the marginal rate for wall and process
 * CPU time, which counts every thread). Prints one JSON line; `outputs` is -1 for timed runs on workers
 * (their blackhole counts there). With `check` as 8th argument it runs one job of `events` events with
 * the sink on the main thread and prints its outputs and fingerprint (run.ts compares them with sluiceRun.ts's).
 * Usage: node --expose-gc dist/bench/nexmark/sluiceModuleRun.js <q0..q8> <parallelism> <events> <eventsPerSecond> <warmup> <small> [warmupJobs=4] [check]
 */
import { executeModuleJob } from "../../engine/src/runtime/workers/moduleJob.js";
import { workerStats } from "../../engine/src/runtime/workers/workerPlacement.js";
import { measureMarginal } from "../marginal.js";
import type { NexmarkJobArgs, NexmarkJobResult } from "./nexmarkJob.js";

const [query = "q0", p = "1", n = "1000000", eps = "10000", w = "500000", s = "200000", k = "4", mode = ""] = process.argv.slice(2);
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

const [events, warmup, small] = [Number(n), Number(w), Number(s)];
if (mode === "check") {
  const r = await job(events, true);
  console.log(JSON.stringify({ engine: "sluice-module", query, parallelism, events, outputs: r.outputs, checksum: r.checksum, threads: workerStats().threads }));
} else {
  let heapAfterGcMB = 0;
  let last: NexmarkJobResult | undefined;
  const m = await measureMarginal(
    async (count, warmingUp) => {
      last = await job(count, false);
      if (!warmingUp) return;
      gc();
      heapAfterGcMB = process.memoryUsage().heapUsed / 2 ** 20;
    },
    { warmup, small, events, warmupJobs: Number(k) },
  );
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
      ...m,
      outputs: parallelism > 1 || last === undefined ? -1 : last.outputs,
      checksum: parallelism > 1 || last === undefined ? 0 : last.checksum,
      heapAfterGcMB: +heapAfterGcMB.toFixed(1),
      peakRssMB: +(maxRSS / 1024).toFixed(1),
    }),
  );
}
