/**
 * Where a Nexmark job's CPU goes, thread by thread (issue 20: p=2 against p=1): runs `warmupJobs` untimed jobs
 * sharing `warmup` events, then one job per size in `sizes`, and prints per job its wall and process CPU and each
 * thread's CPU and run-queue wait over the job (`tid:cpu+wait` ms, Linux `/proc/self/task/<tid>/schedstat`): at
 * p=1 the main thread, at p=2 the two workers, the main thread and V8's compile and GC helpers apart; a thread's
 * wall minus both is time it was blocked (asleep or waiting for a GC helper). With `node --trace-opt` the output also shows
 * which functions TurboFan compiles in the timed jobs (after the `timed` line), and `MARK` lines carry
 * CLOCK_MONOTONIC nanoseconds for cutting a `perf record -k CLOCK_MONOTONIC` profile to the timed jobs. With
 * SLUICE_ALLOC_PROFILE set to a directory (and `--import ./dist/bench/nexmark/allocProfile.js`), every thread
 * profiles where it allocates over the timed jobs and writes its profile there (`allocSites.js` sums them).
 *
 * Usage: node dist/bench/nexmark/threadJobs.js <sql|module> <q0…q22> <parallelism> [warmupJobs=4] [warmup=1000000] [sizes=400000,2000000]
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { BroadcastChannel } from "node:worker_threads";
import { executeModuleJob } from "../../engine/src/runtime/workers/moduleJob.js";
import { workerStats } from "../../engine/src/runtime/workers/workerPlacement.js";
import { ALLOC_PROFILE_CHANNEL, type ProfileMark } from "./allocSites.js";
import { SqlSession } from "../../engine/src/sql/index.js";
import { warmupShare } from "../marginal.js";
import type { NexmarkJobArgs } from "./nexmarkJob.js";
import { nexmarkSqlOptions } from "./sqlConformance.js";

const [engine = "sql", query = "q2", p = "1", k = "4", w = "1000000", sizes = "400000,2000000"] = process.argv.slice(2);
if (engine !== "sql" && engine !== "module") throw new Error(`engine must be sql or module, got '${engine}'`);
const dir = new URL("../../../bench/nexmark/flink/src/main/resources/nexmark-sql/", import.meta.url).pathname;
const read = (f: string) => readFileSync(join(dir, f), "utf8");

async function run(count: number): Promise<void> {
  if (engine === "module") {
    const args: NexmarkJobArgs = { query, count, eventsPerSecond: 10000, check: false };
    const { job } = await executeModuleJob(new URL("./nexmarkJob.js", import.meta.url), "declareNexmark", `nexmark ${query}`, {
      environment: { parallelism: Number(p), batchSize: 1024 },
      args,
    });
    await job.wait();
    return;
  }
  const vars: Record<string, string> = { TPS: "10000", EVENTS_NUM: String(count), PERSON_PROPORTION: "1", AUCTION_PROPORTION: "3", BID_PROPORTION: "46" };
  const gen = read("ddl_gen.sql").replace(/\$\{(\w+)\}/g, (m, key: string) => vars[key] ?? m);
  const views = read("ddl_views.sql").replace(/\$\{NEXMARK_TABLE\}/g, "datagen");
  const parallel = p === "1" ? "" : `SET 'parallelism.default' = '${p}';\n`;
  await new SqlSession().execute(`${parallel}${nexmarkSqlOptions()}${gen}\n${views};\n${read(`${query}.sql`)}`);
}

/** Each live thread's name, CPU and run-queue wait milliseconds so far (a thread that ended between the listing and the read is left out). */
function threads(): Map<string, { name: string; ms: number; waitMs: number }> {
  const out = new Map<string, { name: string; ms: number; waitMs: number }>();
  for (const tid of readdirSync("/proc/self/task")) {
    try {
      const [ns = 0, waitNs = 0] = readFileSync(`/proc/self/task/${tid}/schedstat`, "utf8").split(" ").map(Number);
      out.set(tid, { name: readFileSync(`/proc/self/task/${tid}/comm`, "utf8").trim(), ms: ns / 1e6, waitMs: waitNs / 1e6 });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT" && (error as NodeJS.ErrnoException).code !== "ESRCH") throw error;
    }
  }
  return out;
}

/** The directory `allocProfile.ts` writes each thread's profile to, and how it is told when (its channel's name). */
const allocDir = process.env.SLUICE_ALLOC_PROFILE;
const allocMarks = allocDir === undefined ? undefined : new BroadcastChannel(ALLOC_PROFILE_CHANNEL);

// (a MARK per warm-up job, so a `--trace-opt` log shows which job each compile fell in)
for (let i = 0; i < Number(k); i++) {
  console.log(`MARK warmup ${i + 1}`);
  await run(warmupShare(Number(w), Number(k), i));
}
allocMarks?.postMessage({ start: true } satisfies ProfileMark);
console.log(`MARK timed ${process.hrtime.bigint()}`);
for (const size of sizes.split(",").map(Number)) {
  const [before, t0, c0] = [threads(), performance.now(), process.cpuUsage()];
  await run(size);
  const [after, wall, c] = [threads(), performance.now() - t0, process.cpuUsage(c0)];
  const cpuMs = (c.user + c.system) / 1e3;
  const per = [...after]
    .map(([tid, { name, ms, waitMs }]) => ({ tid, name, ms: ms - (before.get(tid)?.ms ?? 0), waitMs: waitMs - (before.get(tid)?.waitMs ?? 0) }))
    .filter((t) => t.ms >= 1)
    .map((t) => `${t.name}/${t.tid}:${t.ms.toFixed(0)}+${t.waitMs.toFixed(0)}`);
  console.log(`${engine} ${query} p=${p} job of ${size}: wall ${wall.toFixed(0)} ms, CPU ${cpuMs.toFixed(0)} ms (${((cpuMs * 1e6) / size).toFixed(0)} ns/event); threads ${per.join(" ")}`);
}
console.log(`MARK end ${process.hrtime.bigint()}`);
if (allocMarks !== undefined && allocDir !== undefined) {
  allocMarks.postMessage({ stop: allocDir } satisfies ProfileMark);
  // Every JS thread writes one file: this one and each pool worker.
  const expected = 1 + workerStats().threads;
  const written = () => readdirSync(allocDir).filter((f) => /^alloc-\d+\.json$/.test(f)).length;
  for (let waited = 0; written() < expected; waited += 100) {
    if (waited >= 30_000) throw new Error(`allocation profiles: ${written()} of ${expected} threads wrote theirs to ${allocDir} within 30 s (run with --import ./dist/bench/nexmark/allocProfile.js?)`);
    await sleep(100);
  }
  allocMarks.close();
}
