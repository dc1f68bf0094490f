/**
 * Sluice's per-record cost on Nexmark, for optimisation work (not the Sluice-vs-Flink table, which is
 * run.ts): warm-up job(s) first, then `reps` timed jobs in the same process; per timed run events/s
 * (wall) and events per CPU-second (process.cpuUsage, user + system, over the timed interval only).
 * Prints one JSON line with every run and the medians.
 *
 * `gen` is the generator alone as the engine sees it: the Nexmark source's reader polled in batches of
 * `batchSize`, no job (the pipeline's physical limit); `genjob` is the harness's `gen` row (run.ts): the
 * source with its watermarks into a blackhole sink, as a job; `q0`..`q8` are the queries into a blackhole sink.
 * SLUICE_BATCH_SIZE and SLUICE_CHANNEL_CAPACITY set the environment's batch size and channel capacity.
 *
 * Usage: node dist/bench/nexmark/perRecord.js <gen|genjob|q0..q8> [events=3000000] [reps=5] [warmupEvents=1000000]
 */
import { StreamEnvironment } from "../../engine/src/index.js";
import { Nexmark, type NexmarkEvent } from "../../engine/src/connectors/nexmark/index.js";
import { ManualClock } from "../../engine/src/testing/ManualClock.js";
import { Blackhole, MOD } from "./blackhole.js";
import { nexmarkEvents, QUERIES, type NexmarkQuery } from "./queries/index.js";

const [what = "q0", n = "3000000", r = "5", w = "1000000"] = process.argv.slice(2);
const events = Number(n);
const reps = Number(r);
const warmup = Number(w);
const batchSize = Number(process.env.SLUICE_BATCH_SIZE ?? 1024);
/** Records a channel holds before its producer waits; unset: the engine's default (1 batch). */
const channelCapacity = process.env.SLUICE_CHANNEL_CAPACITY === undefined ? undefined : Number(process.env.SLUICE_CHANNEL_CAPACITY);

const blackhole = new Blackhole();

/** The harness's `gen` row (run.ts): source, watermarks and a blackhole sink, as a job. */
const GEN_JOB: NexmarkQuery<NexmarkEvent> = { name: "genjob", description: "the generator in a job", build: (e) => e, check: () => 0 };

async function runOnce(count: number): Promise<void> {
  if (what === "gen") {
    const reader = Nexmark.source({ count }).createReader({ subtask: 0, parallelism: 1, clock: new ManualClock(0), jobName: "gen", badRecord: () => {} });
    for (;;) {
      const poll = reader.poll(batchSize) as { values: NexmarkEvent[]; end?: boolean };
      blackhole.outputs += poll.values.length;
      const last = poll.values[poll.values.length - 1];
      if (last !== undefined) blackhole.checksum = (blackhole.checksum + last.dateTime) % MOD;
      if (poll.end === true) return;
    }
  }
  const spec = what === "genjob" ? GEN_JOB : QUERIES[what];
  if (spec === undefined) throw new Error(`unknown query ${what}; gen, genjob or one of ${Object.keys(QUERIES).join(", ")}`);
  const env = StreamEnvironment.create({ parallelism: 1, batchSize, channelCapacity });
  spec.build(nexmarkEvents(env, { count })).sinkTo(blackhole.sink(spec.check as (v: unknown) => number));
  await env.execute(`nexmark ${what}`).wait();
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

await runOnce(warmup);
const runs: { eventsPerSecond: number; eventsPerCpuSecond: number; cpuOverWall: number }[] = [];
for (let i = 0; i < reps; i++) {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await runOnce(events);
  const wall = (performance.now() - t0) / 1000;
  const cpuUs = process.cpuUsage(cpu0);
  const cpu = (cpuUs.user + cpuUs.system) / 1e6;
  runs.push({ eventsPerSecond: Math.round(events / wall), eventsPerCpuSecond: Math.round(events / cpu), cpuOverWall: +(cpu / wall).toFixed(2) });
}
console.log(
  JSON.stringify({
    what,
    events,
    reps,
    warmup,
    batchSize,
    channelCapacity,
    medianEventsPerSecond: median(runs.map((x) => x.eventsPerSecond)),
    medianEventsPerCpuSecond: median(runs.map((x) => x.eventsPerCpuSecond)),
    // The least disturbed run: on a shared machine other processes only ever add CPU time (caches, SMT).
    bestEventsPerCpuSecond: Math.max(...runs.map((x) => x.eventsPerCpuSecond)),
    runs,
    outputs: blackhole.outputs,
    sink: blackhole.checksum,
    peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
    load: (await import("node:os")).loadavg().map((x) => +x.toFixed(2)),
  }),
);
