/**
 * Runs one Nexmark query on Sluice and prints one JSON line (the same shape as the Flink twin's):
 * events/s from `execute()` to the job's end, outputs, fingerprint and peak RSS. One query per process,
 * so peak RSS belongs to that query.
 * Usage: node dist/bench/nexmark/sluiceRun.js <q0..q8> <parallelism> <events> [eventsPerSecond]
 */
import { StreamEnvironment, type Sink } from "../../engine/src/index.js";
import { nexmarkEvents, QUERIES } from "./queries/index.js";

const [query = "q0", p = "1", n = "1000000", eps = "10000"] = process.argv.slice(2);
const spec = QUERIES[query];
if (spec === undefined) throw new Error(`unknown query ${query}; one of ${Object.keys(QUERIES).join(", ")}`);
const parallelism = Number(p);
const events = Number(n);

let outputs = 0;
let checksum = 0;
/** Fingerprints are summed modulo 2^50 (as in the Java twin) so the sum stays exact in a double. */
const MOD = 2 ** 50;
/** Nexmark's blackhole sink, counting outputs and summing the query's fingerprint. */
const blackhole: Sink<unknown> = {
  name: "blackhole",
  createWriter: () => ({
    write(values) {
      outputs += values.length;
      for (let i = 0; i < values.length; i++) checksum = (checksum + spec.check(values[i])) % MOD;
    },
  }),
};

// Tuning knobs for experiments; the published results use the defaults.
const channelCapacity = process.env.SLUICE_CHANNEL_CAPACITY === undefined ? {} : { channelCapacity: Number(process.env.SLUICE_CHANNEL_CAPACITY) };
const env = StreamEnvironment.create({ parallelism, batchSize: Number(process.env.SLUICE_BATCH_SIZE ?? 1024), ...channelCapacity });
spec.build(nexmarkEvents(env, { count: events, eventsPerSecond: Number(eps) })).sinkTo(blackhole);
const start = performance.now();
await env.execute(`nexmark ${query}`).wait();
const seconds = (performance.now() - start) / 1000;
const peakRssMB = process.resourceUsage().maxRSS / 1024;
console.log(
  JSON.stringify({ engine: "sluice", query, parallelism, events, seconds: +seconds.toFixed(3), eventsPerSecond: Math.round(events / seconds), outputs, checksum, peakRssMB: +peakRssMB.toFixed(1) }),
);
