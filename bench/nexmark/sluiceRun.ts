/**
 * Runs one Nexmark query on Sluice, timed as the Flink twin (flink/.../Measure.java): in one process,
 * `warmupJobs` warm-up jobs sharing `warmup` events (untimed; the live heap is sampled after a full GC
 * half-way through the last; ../marginal.ts says why several), then a job of
 * `small` events and one of `events` events; the rate is the marginal one, (events - small) / (t(events)
 * - t(small)), for wall time and for process CPU time, so building and starting a job and the final
 * flush drop out. Prints one JSON line. Query `gen` is the generator alone (source, watermarks, sink).
 * Needs `--expose-gc` (run.ts starts it so, with the same heap limit as the JVM's -Xmx).
 * Usage: node --expose-gc dist/bench/nexmark/sluiceRun.js <gen|q0..q8> <parallelism> <events> <eventsPerSecond> <warmup> <small> [warmupJobs=4]
 */
import { StreamEnvironment, WatermarkStrategy, type DataStream, type Source } from "../../engine/src/index.js";
import { Nexmark, type NexmarkEvent } from "../../engine/src/connectors/nexmark/index.js";
import { measureMarginal } from "../marginal.js";
import { Blackhole } from "./blackhole.js";
import { WATERMARK_DELAY_MS } from "./queries/common.js";
import { QUERIES, type NexmarkQuery } from "./queries/index.js";

const [query = "q0", p = "1", n = "1000000", eps = "10000", w = "500000", s = "200000", k = "4"] = process.argv.slice(2);
const GEN: NexmarkQuery<NexmarkEvent> = { name: "gen", description: "the generator alone", build: (e: DataStream<NexmarkEvent>) => e, check: () => 0 };
// biome-ignore lint/suspicious/noExplicitAny: queries of every output type run through one driver
const spec: NexmarkQuery<any> | undefined = query === "gen" ? GEN : QUERIES[query];
if (spec === undefined) throw new Error(`unknown query ${query}; gen or one of ${Object.keys(QUERIES).join(", ")}`);
const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error("run with node --expose-gc: the live heap is measured after a full GC");
const parallelism = Number(p);

const blackhole = new Blackhole();
let heapAfterGcMB = Number.NaN;

/** The Nexmark source, but subtask 0 takes the heap sample once it has produced `at` events' worth. */
function sampling(source: Source<NexmarkEvent>, at: number): Source<NexmarkEvent> {
  return {
    ...source,
    createReader(ctx) {
      const reader = source.createReader(ctx);
      let produced = 0;
      let sampled = ctx.subtask !== 0;
      const poll = reader.poll.bind(reader);
      reader.poll = (max) => {
        const r = poll(max);
        if (r instanceof Promise) return r;
        produced += r.values.length * ctx.parallelism;
        if (!sampled && produced >= at) {
          sampled = true;
          gc!();
          heapAfterGcMB = process.memoryUsage().heapUsed / 2 ** 20;
        }
        return r;
      };
      return reader;
    },
  };
}

async function job(count: number, sampleHeapAt: number): Promise<void> {
  blackhole.reset();
  const env = StreamEnvironment.create({ parallelism, batchSize: Number(process.env.SLUICE_BATCH_SIZE ?? 1024) });
  const source = Nexmark.source({ count, eventsPerSecond: Number(eps) });
  const events = env.fromSource(sampleHeapAt >= 0 ? sampling(source, sampleHeapAt) : source, WatermarkStrategy.forBoundedOutOfOrderness<NexmarkEvent>(WATERMARK_DELAY_MS), "nexmark");
  spec!.build(events).sinkTo(blackhole.sink(spec!.check));
  await env.execute(`nexmark ${query}`).wait();
}

const [events, warmup, small] = [Number(n), Number(w), Number(s)];
// The heap is sampled half-way through the second to last warm-up job (marginal.ts says why).
const m = await measureMarginal((count, warmingUp) => job(count, warmingUp ? Math.floor(count / 2) : -1), { warmup, small, events, warmupJobs: Number(k) });
const { maxRSS } = process.resourceUsage();
const heapLimitMB = Math.round((await import("node:v8")).getHeapStatistics().heap_size_limit / 2 ** 20);
console.log(
  JSON.stringify({
    engine: "sluice",
    query,
    parallelism,
    events,
    small,
    warmup,
    ...m,
    outputs: blackhole.outputs,
    checksum: blackhole.checksum,
    heapAfterGcMB: +heapAfterGcMB.toFixed(1),
    heapLimitMB,
    peakRssMB: +(maxRSS / 1024).toFixed(1),
  }),
);
