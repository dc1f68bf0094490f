/**
 * The job of the exactly-once chaos test, run as a child process so the test can `kill -9` it:
 * Kafka (unbounded read of `input`, unless `bounded`) → keyBy(key) → running count per key → exactly-once Kafka sink,
 * checkpoints every 300 ms; restores from the latest checkpoint in `dir` when there is one. SIGTERM
 * cancels the job (uncommitted output is aborted) and exits.
 * With `bounded` as sixth argument it reads the topic up to its end offsets and finishes; the sink's
 * tail is then committed by the final checkpoint. SLUICE_CHAOS_KILL_AT=before-final-commit or
 * after-final-commit makes the process SIGKILL itself right before or after a sink subtask commits
 * that final checkpoint (the two crash points at the end of bounded input); see `crashAt` for more.
 * SLUICE_CHAOS_SINK_PARALLELISM sets the sink's parallelism (default 2), to restore at another one.
 * Each output record is {key, count}: the batch answer is, per key with n records, counts 1..n once.
 *
 * Usage: node kafkaChaosJob.js <bootstrap> <input> <output> <checkpointDir> <transactionalIdPrefix> [bounded]
 */
import { readdir } from "node:fs/promises";
import { RestartStrategies } from "../../engine/src/runtime/restart/RestartStrategies.js";
import { StreamEnvironment } from "../../engine/src/api/StreamEnvironment.js";
import { kafkaSink } from "../../engine/src/connectors/kafka/KafkaSink.js";
import { kafkaSource } from "../../engine/src/connectors/kafka/KafkaSource.js";
import type { Sink } from "../../engine/src/sinks/Sink.js";
import { runningCount, type KeyedCount, type KeyedSeq } from "./runningCount.js";

export type ChaosInput = KeyedSeq;
export type ChaosOutput = KeyedCount;

const [bootstrap, input, output, dir, prefix, mode] = process.argv.slice(2) as [string, string, string, string, string, string | undefined];
const bounded = mode === "bounded";
const killAt = process.env.SLUICE_CHAOS_KILL_AT;

const env = StreamEnvironment.create({ parallelism: 2, batchSize: 50 }).setRestartStrategy(RestartStrategies.noRestart()).enableCheckpointing({ directory: dir, interval: 300 });
env
  .fromSource(kafkaSource<ChaosInput>({ brokers: [bootstrap], topics: [input], bounded, maxBufferedRecords: 500 }))
  .uid("kafka-in")
  .keyBy((v) => v.key)
  .process(runningCount())
  .uid("count")
  .sinkTo(crashAt(debug(kafkaSink<ChaosOutput>({ brokers: [bootstrap], topic: output, guarantee: "exactly-once", transactionalIdPrefix: prefix, key: (v) => v.key }))))
  .uid("kafka-out")
  .setParallelism(Number(process.env.SLUICE_CHAOS_SINK_PARALLELISM ?? 2));

/**
 * SLUICE_CHAOS_KILL_AT: die (SIGKILL, nothing cleaned up) at a chosen point of the sink's protocol:
 * right before or after a subtask's first commit after end of input (the final checkpoint), or
 * (`mid-transaction`) once the last sink subtask has written records after a commit, so that its
 * transactional id is left with an open transaction holding data.
 */
function crashAt<T>(sink: Sink<T>): Sink<T> {
  if (killAt === undefined) return sink;
  return {
    ...sink,
    createWriter(ctx) {
      const w = sink.createWriter(ctx);
      let flushed = false; // this writer's commits after its flush are those of the final checkpoint
      let committed = false;
      const flush = w.flush?.bind(w);
      const commit = w.commit!.bind(w);
      const write = w.write.bind(w);
      w.flush = () => {
        flushed = true;
        return flush?.();
      };
      w.commit = async (id) => {
        if (flushed && killAt === "before-final-commit") process.kill(process.pid, "SIGKILL");
        await commit(id);
        committed = true;
        if (flushed && killAt === "after-final-commit") process.kill(process.pid, "SIGKILL");
      };
      w.write = async (values, timestamps) => {
        await write(values, timestamps);
        if (killAt === "mid-transaction" && committed && ctx.subtask === ctx.parallelism - 1) process.kill(process.pid, "SIGKILL");
      };
      return w;
    },
  };
}

/** SLUICE_CHAOS_DEBUG=1: log the sink's two-phase-commit calls to stderr. */
function debug<T>(sink: Sink<T>): Sink<T> {
  if (process.env.SLUICE_CHAOS_DEBUG !== "1") return sink;
  return {
    ...sink,
    createWriter(ctx) {
      const w = sink.createWriter(ctx);
      const methods = w as unknown as Record<string, unknown>;
      for (const m of ["prepareCommit", "commit", "checkpointAborted", "abort", "recoverCommittables", "flush"] as const) {
        const f = methods[m] as ((...a: unknown[]) => unknown) | undefined;
        if (typeof f !== "function") continue;
        methods[m] = (...a: unknown[]) => {
          process.stderr.write(`${Date.now()} s${ctx.subtask} ${m} ${JSON.stringify(a)}\n`);
          const r = f.apply(w, a);
          if (r instanceof Promise)
            void r.then(
              () => process.stderr.write(`${Date.now()} s${ctx.subtask} ${m} done\n`),
              () => undefined,
            );
          return r;
        };
      }
      return w;
    },
  };
}

const restore = (await readdir(dir).catch(() => [] as string[])).some((n) => /^chk-\d+\.json$/.test(n));
const job = env.execute("kafka-chaos", restore ? { restoreFrom: "latest" } : {});
process.on("SIGTERM", () => void job.cancel());
const result = await job.wait();
process.stdout.write(`finished restoredFrom=${result.metrics.checkpoints.restoredFrom ?? "-"} checkpoints=${result.metrics.checkpoints.completed}\n`);
process.exit(0);
