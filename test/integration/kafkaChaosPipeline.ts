/**
 * The pipeline of the exactly-once chaos job (kafkaChaosJob.ts), declared by a function a module
 * exports so that it can also run as a module job (`executeModuleJob`) with its source and keyed
 * count on worker threads: Kafka → keyBy(key) → running count per key → exactly-once Kafka sink
 * (the sink stays on the main thread, see `runtime/workers/slots.ts`), checkpoints every 300 ms.
 * SLUICE_CHAOS_KILL_AT and SLUICE_CHAOS_DEBUG wrap the sink (see `crashAt` and `debug`).
 */
import type { StreamEnvironment } from "../../engine/src/api/StreamEnvironment.js";
import { kafkaSink } from "../../engine/src/connectors/kafka/KafkaSink.js";
import { kafkaSource } from "../../engine/src/connectors/kafka/KafkaSource.js";
import { RestartStrategies } from "../../engine/src/runtime/restart/RestartStrategies.js";
import type { Sink } from "../../engine/src/sinks/Sink.js";
import { type KeyedCount, type KeyedSeq, runningCount } from "./runningCount.js";

export type ChaosInput = KeyedSeq;
export type ChaosOutput = KeyedCount;

export interface ChaosJobArgs {
  bootstrap: string;
  input: string;
  output: string;
  /** Checkpoint directory. */
  dir: string;
  transactionalIdPrefix: string;
  /** Read the topic up to its end offsets and finish. */
  bounded: boolean;
  sinkParallelism: number;
}

export function declareChaosJob(env: StreamEnvironment, args: ChaosJobArgs): void {
  env.setRestartStrategy(RestartStrategies.noRestart()).enableCheckpointing({ directory: args.dir, interval: 300 });
  env
    .fromSource(kafkaSource<ChaosInput>({ brokers: [args.bootstrap], topics: [args.input], bounded: args.bounded, maxBufferedRecords: 500 }))
    .uid("kafka-in")
    .keyBy((v) => v.key)
    .process(runningCount())
    .uid("count")
    .sinkTo(crashAt(debug(kafkaSink<ChaosOutput>({ brokers: [args.bootstrap], topic: args.output, guarantee: "exactly-once", transactionalIdPrefix: args.transactionalIdPrefix, key: (v) => v.key }))))
    .uid("kafka-out")
    .setParallelism(args.sinkParallelism);
}

/**
 * SLUICE_CHAOS_KILL_AT: die (SIGKILL, nothing cleaned up) at a chosen point of the sink's protocol:
 * right before or after a subtask's first commit after end of input (the final checkpoint), or
 * (`mid-transaction`) once the last sink subtask has written records after a commit, so that its
 * transactional id is left with an open transaction holding data.
 */
function crashAt<T>(sink: Sink<T>): Sink<T> {
  const killAt = process.env.SLUICE_CHAOS_KILL_AT;
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
