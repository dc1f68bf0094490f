/**
 * The job of the exactly-once chaos test, run as a child process so the test can `kill -9` it:
 * Kafka (unbounded read of `input`) → keyBy(key) → running count per key → exactly-once Kafka sink,
 * checkpoints every 300 ms; restores from the latest checkpoint in `dir` when there is one. SIGTERM
 * cancels the job (uncommitted output is aborted) and exits.
 * Unbounded on purpose: at the end of bounded input the sink commits its tail in `flush`, and a
 * crash after that commit but before the job ends would replay the tail (see the report of issue 6).
 * Each output record is {key, count}: the batch answer is, per key with n records, counts 1..n once.
 *
 * Usage: node kafkaChaosJob.js <bootstrap> <input> <output> <checkpointDir> <transactionalIdPrefix>
 */
import { readdir } from "node:fs/promises";
import type { KeyedProcessFunction } from "../../engine/src/api/keyedFunctions.js";
import { StreamEnvironment } from "../../engine/src/api/StreamEnvironment.js";
import { kafkaSink } from "../../engine/src/connectors/kafka/KafkaSink.js";
import { kafkaSource } from "../../engine/src/connectors/kafka/KafkaSource.js";
import type { Sink } from "../../engine/src/sinks/Sink.js";
import type { ValueState } from "../../engine/src/state/State.js";

export interface ChaosInput {
  key: string;
  seq: number;
}
export interface ChaosOutput {
  key: string;
  count: number;
}

const [bootstrap, input, output, dir, prefix] = process.argv.slice(2) as [string, string, string, string, string];

type CountFn = KeyedProcessFunction<string, ChaosInput, ChaosOutput> & { count?: ValueState<number> };
const counter: CountFn = {
  open(rc) {
    this.count = rc.getState<number>("count", 0);
  },
  processElement(_v, ctx, out) {
    const n = this.count!.value()! + 1;
    this.count!.update(n);
    out.collect({ key: ctx.getCurrentKey(), count: n });
  },
};

const env = StreamEnvironment.create({ parallelism: 2, batchSize: 50 }).enableCheckpointing({ directory: dir, interval: 300 });
env
  .fromSource(kafkaSource<ChaosInput>({ brokers: [bootstrap], topics: [input], bounded: false, maxBufferedRecords: 500 }))
  .uid("kafka-in")
  .keyBy((v) => v.key)
  .process(counter)
  .uid("count")
  .sinkTo(debug(kafkaSink<ChaosOutput>({ brokers: [bootstrap], topic: output, guarantee: "exactly-once", transactionalIdPrefix: prefix, key: (v) => v.key })))
  .uid("kafka-out");
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
          if (r instanceof Promise) void r.then(() => process.stderr.write(`${Date.now()} s${ctx.subtask} ${m} done\n`), () => undefined);
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
