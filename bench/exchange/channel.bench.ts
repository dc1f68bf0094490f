/**
 * Records per second through a worker channel (issue 20): Nexmark bids encoded on the main thread,
 * posted to a worker with the codec's transfer list, decoded there with every field read, and
 * acknowledged (at most 8 batches in flight, the channel's credit). `cloneCodec` (structured clone of
 * object batches) against `columnarCodec` and its string policies, for SQL rows (arrays in schema
 * order) and for bid objects (a declared record type). Compare with the research note's §5 table.
 *
 * Usage: npm run build && node dist/bench/exchange/channel.bench.js [records=1000000] [reps=3]  (BATCH=1024 in the environment)
 */
import { loadavg } from "node:os";
import { Worker } from "node:worker_threads";
import type { EncodedBatch } from "../../engine/src/exchange/BatchCodec.js";
import type { RecordBatch } from "../../engine/src/runtime/StreamElement.js";
import { BATCH, batchesOf, IN_FLIGHT, label, type Result, run, schemaOf } from "./channelRun.js";
import { codecs, type Shape } from "./codecs.js";

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const fmt = (x: number): string => Math.round(x).toLocaleString("en-US");

const records = Number(process.argv[2] ?? 1_000_000);
const reps = Number(process.argv[3] ?? 3);

/**
 * The same work on one thread, phase by phase, in CPU time: what each end costs apart from scheduling
 * (on a loaded 2-core machine the channel's wall-clock rate mostly measures the other processes).
 * `structuredClone` with the transfer list is what postMessage does to the batch.
 */
function cpuCosts(codecName: string, shape: Shape, batches: RecordBatch[]): { encode: number; clone: number; decode: number } {
  const codec = codecs[codecName]!;
  const encoder = codec.encoder(schemaOf(shape));
  const decoder = codec.decoder(schemaOf(shape));
  const cpu = (f: () => void): number => {
    const c0 = process.cpuUsage();
    f();
    const c = process.cpuUsage(c0);
    return ((c.user + c.system) * 1000) / (batches.length * BATCH);
  };
  let encoded: EncodedBatch[] = [];
  let crossed: EncodedBatch[] = [];
  const encode = cpu(() => {
    encoded = batches.map((b) => encoder.encode(b));
  });
  const clone = cpu(() => {
    crossed = encoded.map((e) => structuredClone(e, { transfer: e.buffers }));
  });
  let sink = 0;
  const decode = cpu(() => {
    for (const e of crossed) {
      const batch = decoder.decode(e);
      if (shape === "numbers") for (const r of batch.values as number[][]) sink += (r[0] as number) + (r[2] as number);
      else if (shape === "array") for (const r of batch.values as unknown[][]) sink += (r[0] as number) + (r[2] as number) + (r[3] as string).length + (r[6] as string).length;
      else for (const r of batch.values as { auction: number; price: number; channel: string; extra: string }[]) sink += r.auction + r.price + r.channel.length + r.extra.length;
    }
  });
  if (sink === 0.5) console.log(sink);
  return { encode, clone, decode };
}

const worker = new Worker(new URL("./channelWorker.js", import.meta.url));
const load0 = loadavg()[0] as number;
const variants: [string, Shape][] = [];
for (const shape of ["array", "object"] as Shape[]) for (const name of Object.keys(codecs)) variants.push([name, shape]);
variants.push(["clone", "numbers"], ["columnar", "numbers"]);
// Warm-up: every variant once on a short run (JIT of both ends).
for (const [name, shape] of variants) await run(worker, name, shape, batchesOf(shape, 100_000));
const results = new Map<string, Result[]>();
for (let r = 0; r < reps; r++) {
  // Alternating variants within each round, so the machine's load moves all alike.
  for (const [name, shape] of variants) {
    const batches = batchesOf(shape, records);
    const key = `${name} | ${label(shape)}`;
    results.set(key, [...(results.get(key) ?? []), await run(worker, name, shape, batches)]);
  }
}
await worker.terminate();
console.log(`\n${fmt(records)} Nexmark bids per run, batches of ${BATCH}, ${IN_FLIGHT} in flight, median of ${reps}; load average ${load0.toFixed(2)} → ${(loadavg()[0] as number).toFixed(2)}`);
console.log("| codec | records | records/s through the channel | encode ns/record (sender) | decode + read ns/record (worker) | bytes/record transferred |");
console.log("|---|---|---|---|---|---|");
for (const [key, rs] of results) {
  console.log(
    `| ${key} | ${fmt(median(rs.map((x) => x.perSecond)))} | ${median(rs.map((x) => x.encodeNs)).toFixed(0)} | ${median(rs.map((x) => x.decodeNs)).toFixed(0)} | ${median(rs.map((x) => x.bytes)).toFixed(1)} |`,
  );
}

const costs: string[] = [];
for (const [name, shape] of variants) {
  const rounds = Array.from({ length: reps }, () => cpuCosts(name, shape, batchesOf(shape, Math.min(records, 300_000))));
  const m = (f: (x: { encode: number; clone: number; decode: number }) => number): number => median(rounds.map(f));
  const total = m((x) => x.encode + x.clone + x.decode);
  costs.push(`| ${name} | ${label(shape)} | ${m((x) => x.encode).toFixed(0)} | ${m((x) => x.clone).toFixed(0)} | ${m((x) => x.decode).toFixed(0)} | ${total.toFixed(0)} | ${fmt(1e9 / total)} |`);
}
console.log(`\nOne thread, CPU ns per record by phase (median of ${reps}, ${fmt(Math.min(records, 300_000))} bids); load average ${(loadavg()[0] as number).toFixed(2)}`);
console.log("| codec | records | encode | postMessage's clone | decode + read | total | records per CPU-second, both ends |");
console.log("|---|---|---|---|---|---|---|");
for (const c of costs) console.log(c);
