/**
 * Jobs of given sizes back to back in one process (a job module, as sluiceModuleRun.ts runs it), each
 * job's process CPU per event and the live heap after a full GC that follows it: what separates a cost
 * per event from a cost per job (JIT settling over the first jobs, state a finished job keeps), which
 * the marginal rate of run.js mixes up. A 300k-event warm-up job first. One line per job.
 * Usage: node --expose-gc dist/bench/nexmark/jobSizes.js <q0..q8> <parallelism> <events,events,...> [dist dir to load instead]
 */
import { pathToFileURL } from "node:url";

const [query = "q5", p = "1", sizes = "200000,200000,200000,200000", dist] = process.argv.slice(2);
const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error("run with node --expose-gc: the live heap is measured after a full GC");
const root = dist === undefined ? new URL("../../", import.meta.url) : pathToFileURL(`${dist.replace(/\/$/, "")}/`);
const { executeModuleJob } = (await import(new URL("engine/src/runtime/workers/moduleJob.js", root).href)) as typeof import("../../engine/src/runtime/workers/moduleJob.js");
const module = new URL("bench/nexmark/nexmarkJob.js", root);

async function job(count: number): Promise<void> {
  const { job } = await executeModuleJob(module, "declareNexmark", `nexmark ${query}`, {
    environment: { parallelism: Number(p), batchSize: 1024 },
    args: { query, count, eventsPerSecond: 10000, check: false },
  });
  await job.wait();
}

const cpu = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};
await job(300_000);
for (const events of sizes.split(",").map(Number)) {
  gc();
  const c0 = cpu();
  await job(events);
  const seconds = cpu() - c0;
  gc();
  const heapAfterGcMB = process.memoryUsage().heapUsed / 2 ** 20;
  console.log(
    JSON.stringify({
      query,
      parallelism: Number(p),
      events,
      cpuSeconds: +seconds.toFixed(3),
      nsPerEvent: Math.round((seconds / events) * 1e9),
      heapAfterGcMB: +heapAfterGcMB.toFixed(1),
      load: +readLoad(),
    }),
  );
}

function readLoad(): string {
  return (process.getBuiltinModule("node:fs") as typeof import("node:fs")).readFileSync("/proc/loadavg", "utf8").split(" ")[0] ?? "0";
}
