/**
 * What the columnar exchange costs per record for q7's projected bids (four numbers and the ~78-character
 * `extra`), on one thread in CPU time: encode, structuredClone with the transfer list (what postMessage
 * does), decode with every field read, the buffer recycled — the loop a p=2 channel runs. With a second
 * build's `dist` directory as argument, both builds' codecs run alternately in this process (A/B), so a
 * change to the codec is measured against the old one under the same load.
 *
 * Usage: node dist/bench/exchange/stringCodec.bench.js [oldDist] [rounds=9] [records=500000]  (BATCH=1024 in the environment)
 */
import { loadavg } from "node:os";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { BatchCodec, RecordSchema } from "../../engine/src/exchange/BatchCodec.js";
import { columnarCodec } from "../../engine/src/exchange/columnar/index.js";
import type { RecordBatch } from "../../engine/src/runtime/StreamElement.js";
import { BATCH, bidBatches } from "./bidBatches.js";

const [oldDist, roundsArg = "9", recordsArg = "500000"] = process.argv.slice(2);
const rounds = Number(roundsArg);
const records = Number(recordsArg);

/** q7's row as the module job's `q7.project` makes it (the edge's inferred type). */
const Q7_SCHEMA: RecordSchema = {
  fields: [
    { name: "auction", type: { name: "BIGINT" } },
    { name: "price", type: { name: "BIGINT" } },
    { name: "bidder", type: { name: "BIGINT" } },
    { name: "dateTime", type: { name: "TIMESTAMP", params: [3] } },
    { name: "extra", type: { name: "STRING" } },
  ],
};

interface Row {
  auction: number;
  price: number;
  bidder: number;
  dateTime: number;
  extra: string;
}

let sink = 0;

/** ns per record of encode, clone and decode (process CPU), one channel's life over `batches`. */
function loop(codec: BatchCodec, batches: RecordBatch<Row>[]): [number, number, number] {
  const encoder = codec.encoder<Row>(Q7_SCHEMA);
  const decoder = codec.decoder<Row>(Q7_SCHEMA);
  const spent = [0, 0, 0];
  const cpu = (): number => {
    const c = process.cpuUsage();
    return c.user + c.system;
  };
  for (const batch of batches) {
    const c0 = cpu();
    const encoded = encoder.encode(batch);
    const c1 = cpu();
    const crossed = structuredClone(encoded, { transfer: encoded.buffers });
    const c2 = cpu();
    const decoded = decoder.decode(crossed).values;
    for (const r of decoded) sink += r.auction + r.price + r.bidder + r.dateTime + r.extra.length + r.extra.charCodeAt(r.extra.length >> 1);
    if (decoder.freesBuffers === true) for (const b of crossed.buffers) encoder.recycle?.(b);
    const c3 = cpu();
    spent[0]! += c1 - c0;
    spent[1]! += c2 - c1;
    spent[2]! += c3 - c2;
  }
  const n = batches.length * BATCH;
  return spent.map((us) => (us * 1000) / n) as [number, number, number];
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const sides: [string, BatchCodec][] = [["this build", columnarCodec]];
if (oldDist !== undefined && oldDist !== "-") {
  const url = pathToFileURL(resolve(oldDist, "engine/src/exchange/columnar/index.js")).href;
  sides.unshift([oldDist, ((await import(url)) as { columnarCodec: BatchCodec }).columnarCodec]);
}
const batches = bidBatches<Row>(records, (b) => ({ auction: b.auction, price: b.price, bidder: b.bidder, dateTime: b.dateTime, extra: b.extra }));
for (const [, codec] of sides) loop(codec, batches.slice(0, 100)); // warm-up
const totals = sides.map(() => [] as number[][]);
const loads: number[] = [];
for (let r = 0; r < rounds; r++) {
  // Alternating order per round: neither side always runs right after the other's garbage.
  const order = r % 2 === 0 ? sides.map((_, i) => i) : sides.map((_, i) => sides.length - 1 - i);
  for (const i of order) totals[i]!.push(loop(sides[i]![1], batches));
  loads.push(loadavg()[0] as number);
}
console.log(`q7 rows, ${batches.length * BATCH} records in batches of ${BATCH}, ${rounds} rounds, load ${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)} (sink ${sink % 7})`);
console.log("| codec | encode ns/rec | clone | decode+read | total (median, min–max) |\n|---|---|---|---|---|");
for (let i = 0; i < sides.length; i++) {
  const t = totals[i]!;
  const col = (k: number): string => median(t.map((x) => x[k]!)).toFixed(1);
  const sums = t.map((x) => x[0]! + x[1]! + x[2]!);
  console.log(`| ${sides[i]![0]} | ${col(0)} | ${col(1)} | ${col(2)} | ${median(sums).toFixed(1)} (${Math.min(...sums).toFixed(1)}–${Math.max(...sums).toFixed(1)}) |`);
}
if (sides.length === 2) {
  const ratios = totals[1]!.map((x, r) => (x[0]! + x[1]! + x[2]!) / (totals[0]![r]![0]! + totals[0]![r]![1]! + totals[0]![r]![2]!));
  console.log(`new/old total per round: median ${median(ratios).toFixed(3)} (${ratios.map((x) => x.toFixed(2)).join(", ")})`);
}
