/**
 * The job of the exactly-once chaos test, run as a child process so the test can `kill -9` it:
 * Kafka (unbounded read of `input`, unless `bounded`) → keyBy(key) → running count per key → exactly-once Kafka sink,
 * checkpoints every 300 ms (the pipeline: kafkaChaosPipeline.ts); restores from the latest checkpoint
 * in `dir` when there is one. SIGTERM cancels the job (uncommitted output is aborted) and exits.
 * With `bounded` as sixth argument it reads the topic up to its end offsets and finishes; the sink's
 * tail is then committed by the final checkpoint. SLUICE_CHAOS_KILL_AT=before-final-commit or
 * after-final-commit makes the process SIGKILL itself right before or after a sink subtask commits
 * that final checkpoint (the two crash points at the end of bounded input); see `crashAt` for more.
 * SLUICE_CHAOS_SINK_PARALLELISM sets the sink's parallelism (default 2), to restore at another one.
 * SLUICE_CHAOS_WORKERS=N runs the job at parallelism N as a module job: its source and keyed count
 * subtasks on worker threads, the sink on the main thread (default: parallelism 2, all on one thread).
 * Each output record is {key, count}: the batch answer is, per key with n records, counts 1..n once.
 *
 * Usage: node kafkaChaosJob.js <bootstrap> <input> <output> <checkpointDir> <transactionalIdPrefix> [bounded]
 */
import { readdir } from "node:fs/promises";
import { StreamEnvironment } from "../../engine/src/api/StreamEnvironment.js";
import type { JobHandle } from "../../engine/src/runtime/JobHandle.js";
import { executeModuleJob } from "../../engine/src/runtime/workers/moduleJob.js";
import { type ChaosJobArgs, declareChaosJob } from "./kafkaChaosPipeline.js";

export type { ChaosInput, ChaosOutput } from "./kafkaChaosPipeline.js";

const [bootstrap, input, output, dir, prefix, mode] = process.argv.slice(2) as [string, string, string, string, string, string | undefined];
const args: ChaosJobArgs = {
  bootstrap,
  input,
  output,
  dir,
  transactionalIdPrefix: prefix,
  bounded: mode === "bounded",
  sinkParallelism: Number(process.env.SLUICE_CHAOS_SINK_PARALLELISM ?? 2),
};
const workers = process.env.SLUICE_CHAOS_WORKERS === undefined ? undefined : Number(process.env.SLUICE_CHAOS_WORKERS);

const restore = (await readdir(dir).catch(() => [] as string[])).some((n) => /^chk-\d+\.json$/.test(n));
const restoreFrom = restore ? { restoreFrom: "latest" } : {};
let job: JobHandle;
if (workers === undefined) {
  const env = StreamEnvironment.create({ parallelism: 2, batchSize: 50 });
  declareChaosJob(env, args);
  job = env.execute("kafka-chaos", restoreFrom);
} else {
  const module = new URL("./kafkaChaosPipeline.js", import.meta.url);
  ({ job } = await executeModuleJob(module, "declareChaosJob", "kafka-chaos", { environment: { parallelism: workers, batchSize: 50 }, args, ...restoreFrom }));
}
process.on("SIGTERM", () => void job.cancel());
// Until this line the default SIGTERM action kills the process: the test cancels only after it.
process.stdout.write("running\n");
const result = await job.wait();
process.stdout.write(`finished restoredFrom=${result.metrics.checkpoints.restoredFrom ?? "-"} checkpoints=${result.metrics.checkpoints.completed} workers=${job.threads.workers}\n`);
process.exit(0);
