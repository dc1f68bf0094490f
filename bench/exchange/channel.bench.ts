/**
 * Records per second through a worker channel (issue 20): Nexmark bids encoded on the main thread,
 * posted to a worker with the codec's transfer list, decoded there with every field read, and
 * acknowledged (at most 8 batches in flight, the channel's credit). `cloneCodec` (structured clone of
 * object batches) against `columnarCodec` and its string policies, for SQL rows (arrays in schema
 * order) and for bid objects (a declared record type). Compare with the research note's §5 table.
 *
 * Usage: npm run build && node dist/bench/exchange/channel.bench.js [records=1000000] [reps=3] [batch=1024]
 */
import { loadavg } from "node:os";
import { Worker } from "node:worker_threads";
import { type Bid, Nexmark } from "../../engine/src/connectors/nexmark/index.js";
import type { EncodedBatch, RecordSchema } from "../../engine/src/exchange/BatchCodec.js";
import type { RecordBatch } from "../../engine/src/runtime/StreamElement.js";
import { codecs, type Shape } from "./codecs.js";

const records = Number(process.argv[2] ?? 1_000_000);
const reps = Number(process.argv[3] ?? 3);
const BATCH = Number(process.argv[4] ?? 1024);
const IN_FLIGHT = 8;

/** Nexmark's bid as SQL sees it (the nexmark connector's `bid` ROW fields). */
export const BID_SCHEMA: RecordSchema = {
  fields: [
    { name: "auction", type: { name: "BIGINT" } },
    { name: "bidder", type: { name: "BIGINT" } },
    { name: "price", type: { name: "BIGINT" } },
    { name: "channel", type: { name: "STRING" } },
    { name: "url", type: { name: "STRING" } },
    { name: "dateTime", type: { name: "TIMESTAMP", params: [3] } },
    { name: "extra", type: { name: "STRING" } },
  ],
};

const NUMBERS_SCHEMA: RecordSchema = { fields: BID_SCHEMA.fields.filter((f) => f.type.name !== "STRING") };
const schemaOf = (shape: Shape): RecordSchema => (shape === "numbers" ? NUMBERS_SCHEMA : BID_SCHEMA);
const label = (shape: Shape): string => (shape === "array" ? "SQL rows (arrays)" : shape === "object" ? "objects" : "numbers only (4 fields, arrays)");

/** Fresh batches per run: an encoder sees each bid once, as on a real channel (the dictionary grows as it would). */
function batchesOf(shape: Shape, count: number): RecordBatch[] {
  const out: RecordBatch[] = [];
  let values: unknown[] = [];
  let timestamps: number[] = [];
  for (let from = 0; out.length * BATCH < count; from += 50_000) {
    for (const e of Nexmark.events({}, from, from + 50_000)) {
      if (e.type !== "bid") continue;
      const b = e as Bid;
      values.push(
        shape === "numbers"
          ? [b.auction, b.bidder, b.price, b.dateTime]
          : shape === "array"
            ? [b.auction, b.bidder, b.price, b.channel, b.url, b.dateTime, b.extra]
            : { auction: b.auction, bidder: b.bidder, price: b.price, channel: b.channel, url: b.url, dateTime: b.dateTime, extra: b.extra },
      );
      timestamps.push(b.dateTime);
      if (values.length === BATCH) {
        out.push({ values, timestamps });
        values = [];
        timestamps = [];
        if (out.length * BATCH >= count) break;
      }
    }
  }
  return out;
}

interface Result {
  perSecond: number;
  encodeNs: number;
  decodeNs: number;
  bytes: number;
}

async function run(worker: Worker, codecName: string, shape: Shape, batches: RecordBatch[]): Promise<Result> {
  const codec = codecs[codecName]!;
  const encoder = codec.encoder(schemaOf(shape));
  const next = () => new Promise<{ ms: number }>((resolve) => worker.once("message", resolve));
  worker.postMessage({ open: codecName, schema: schemaOf(shape), shape });
  await next();
  let encodeMs = 0;
  let decodeMs = 0;
  let bytes = 0;
  const t0 = performance.now();
  let sent = 0;
  let acked = 0;
  await new Promise<void>((done) => {
    const send = (): void => {
      const batch = batches[sent++] as RecordBatch;
      const e0 = performance.now();
      const encoded: EncodedBatch = encoder.encode(batch);
      for (const b of encoded.buffers) bytes += b.byteLength;
      worker.postMessage(encoded, encoded.buffers);
      encodeMs += performance.now() - e0;
    };
    const onAck = (m: { ms: number }): void => {
      decodeMs += m.ms;
      acked++;
      if (acked === batches.length) {
        worker.off("message", onAck);
        done();
      } else if (sent < batches.length) send();
    };
    worker.on("message", onAck);
    while (sent < Math.min(IN_FLIGHT, batches.length)) send();
  });
  const seconds = (performance.now() - t0) / 1000;
  const n = batches.length * BATCH;
  return { perSecond: n / seconds, encodeNs: (encodeMs * 1e6) / n, decodeNs: (decodeMs * 1e6) / n, bytes: bytes / n };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const fmt = (x: number): string => Math.round(x).toLocaleString("en-US");

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
